/// Reversible word segmentation with ICU's word break iterator.
///
/// Text is normalised (see `TextNormalizer`), cut at ICU word boundaries and
/// at spaces. Where two tokens touched in the text, a joiner mark `￭` (U+FFED,
/// as in OpenNMT's tokenizer) records it, so that
/// `detokenize(tokenize(x)) == normalize(x)` for every input:
///
///     "Hello, world (again)."  ->  Hello ￭, world (￭ again ￭) ￭.
///
/// The joiner sits on the non-word side of a glued boundary, so that words
/// keep one spelling whatever punctuation surrounds them: after a word it
/// prefixes the punctuation (`￭,`), before a word it suffixes the punctuation
/// (`(￭`). Between two words (Thai, CJK: `東京 ￭に`) or two punctuation marks
/// it prefixes the second.
public struct Tokenizer: Sendable {
    public static let joiner = "\u{FFED}"
    static let joinerScalar: Unicode.Scalar = "\u{FFED}"

    public let normalizer: TextNormalizer

    public init(normalization: Normalization = .nfkc) {
        normalizer = TextNormalizer(normalization)
    }

    /// Tokens of one line. Makes an ICU word breaker per call; for many lines
    /// use `Session`, which keeps one.
    public func tokenize(_ line: String) throws(ICUError) -> [String] {
        try Session(self).tokenize(line)
    }

    /// A tokenizer with its own ICU word breaker: one per thread.
    public final class Session {
        public let tokenizer: Tokenizer
        private let breaker: ICUBreaker

        public init(_ tokenizer: Tokenizer) throws(ICUError) {
            self.tokenizer = tokenizer
            breaker = try ICUBreaker(.word)
        }

        public func tokenize(_ line: String) throws(ICUError) -> [String] {
            let text = try tokenizer.normalizer.normalizeUTF16(line)
            if text.isEmpty { return [] }
            let boundaries = try breaker.boundaries(of: text)

            // Pieces: ICU segments further cut at spaces (ICU may attach a
            // combining mark to a preceding space, e.g. " \u{301}").
            var pieces: [(start: Int, end: Int)] = []
            var start = 0
            for b in boundaries.dropFirst() {
                let end = Int(b)
                var s = start
                for i in start..<end where text[i] == 0x20 {
                    if i > s { pieces.append((s, i)) }
                    s = i + 1
                }
                if end > s { pieces.append((s, end)) }
                start = end
            }

            // Where two pieces touch, the joiner goes on the non-word side:
            // a suffix of the left piece before a word, else a prefix of the
            // right one (decided on the pieces' own edge scalars).
            var glue = [Glue](repeating: [], count: pieces.count)
            for k in 1..<max(pieces.count, 1) where pieces[k].start == pieces[k - 1].end {
                let left = Tokenizer.lastScalar(text, pieces[k - 1].start, pieces[k - 1].end)
                let right = Tokenizer.firstScalar(text, pieces[k].start, pieces[k].end)
                if !Tokenizer.isWordLike(left) && Tokenizer.isWordLike(right) {
                    glue[k - 1].insert(.suffix)
                } else {
                    glue[k].insert(.prefix)
                }
            }
            var tokens: [String] = []
            tokens.reserveCapacity(pieces.count)
            text.withUnsafeBufferPointer { units in
                for (k, piece) in pieces.enumerated() {
                    tokens.append(Tokenizer.string(units[piece.start..<piece.end], glue[k]))
                }
            }
            return tokens
        }
    }

    private struct Glue: OptionSet {
        let rawValue: UInt8
        static let prefix = Glue(rawValue: 1), suffix = Glue(rawValue: 2)
    }

    /// A piece of normalised text as a token, with the joiner before and/or
    /// after it; pure ASCII (most tokens of most corpora) without transcoding.
    private static func string(_ units: Slice<UnsafeBufferPointer<UInt16>>, _ glue: Glue) -> String {
        if units.allSatisfy({ $0 < 0x80 }) && glue.isEmpty {
            return String(unsafeUninitializedCapacity: units.count) { bytes in
                for (i, u) in units.enumerated() { bytes[i] = UInt8(truncatingIfNeeded: u) }
                return units.count
            }
        }
        var out = glue.contains(.prefix) ? joiner : ""
        out += String(decoding: UnsafeBufferPointer(rebasing: units), as: UTF16.self)
        if glue.contains(.suffix) { out += joiner }
        return out
    }

    /// The first and last scalar of text[start..<end] (non-empty); a lone
    /// surrogate reads as U+FFFD, as String's decoding makes it.
    private static func firstScalar(_ text: [UInt16], _ start: Int, _ end: Int) -> Unicode.Scalar {
        let u = text[start]
        if UTF16.isLeadSurrogate(u) && start + 1 < end && UTF16.isTrailSurrogate(text[start + 1]) {
            return UTF16.decode(UTF16.EncodedScalar([u, text[start + 1]]))
        }
        return Unicode.Scalar(u) ?? "\u{FFFD}"
    }

    private static func lastScalar(_ text: [UInt16], _ start: Int, _ end: Int) -> Unicode.Scalar {
        let u = text[end - 1]
        if UTF16.isTrailSurrogate(u) && end - 2 >= start && UTF16.isLeadSurrogate(text[end - 2]) {
            return UTF16.decode(UTF16.EncodedScalar([text[end - 2], u]))
        }
        return Unicode.Scalar(u) ?? "\u{FFFD}"
    }

    /// Letters, marks and numbers: what a "word" side of a boundary is made of.
    static func isWordLike(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter,
             .otherLetter, .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// Joins tokens back into text: a space between two tokens unless a
    /// joiner mark on either side says they touched.
    public static func detokenize(_ tokens: some Collection<String>) -> String {
        var out = ""
        var previousGlues = false
        var first = true
        for token in tokens {
            var scalars = Substring(token).unicodeScalars[...]
            let gluedLeft = scalars.first == joinerScalar
            if gluedLeft { scalars = scalars.dropFirst() }
            let gluesRight = scalars.last == joinerScalar
            if gluesRight { scalars = scalars.dropLast() }
            if !first && !gluedLeft && !previousGlues { out += " " }
            out.unicodeScalars.append(contentsOf: scalars)
            previousGlues = gluesRight
            first = false
        }
        return out
    }
}
