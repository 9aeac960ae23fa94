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

            var tokens = pieces.map { String(decoding: text[$0.start..<$0.end], as: UTF16.self) }
            for k in 1..<max(tokens.count, 1) where pieces[k].start == pieces[k - 1].end {
                let left = tokens[k - 1].unicodeScalars.last!
                let right = tokens[k].unicodeScalars.first!
                if !Tokenizer.isWordLike(left) && Tokenizer.isWordLike(right) {
                    tokens[k - 1] += Tokenizer.joiner
                } else {
                    tokens[k] = Tokenizer.joiner + tokens[k]
                }
            }
            return tokens
        }
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
