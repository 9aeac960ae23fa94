import S2SText

/// Normalisation and tokenisation of a line, then BPE: the first byte picks
/// the normalisation, the rest is the line, decoded leniently (invalid UTF-8
/// becomes U+FFFD, as `String(decoding:as:)` and the commands do).
/// Properties: `detokenize(tokenize(x)) == normalize(x)` exactly (same
/// Unicode scalars); no token is empty or holds white space or the joiner
/// alone; BPE segments every token into non-empty subwords that join back.
public enum TokenizeFuzz {
    nonisolated(unsafe) static var sessions: [Normalization: Tokenizer.Session] = [:]

    /// A few merges over Latin, combining marks, Arabic and CJK.
    static let codes = BPECodes(merges: [
        ("e", "r</w>"), ("l", "o"), ("lo", "w"), ("t", "h"), ("th", "e</w>"), ("i", "n"), ("in", "g</w>"),
        ("e", "\u{301}"), ("a", "\u{300}</w>"), ("ا", "ل"), ("東", "京"), ("\u{FFED}", ","), ("@", "@"), ("@@", "@</w>"),
    ])

    public static func run(_ data: UnsafeRawBufferPointer) {
        guard let first = data.first else { return }
        let form = Normalization.allCases[Int(first) % Normalization.allCases.count]
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: data.dropFirst()), as: UTF8.self)
        guard let session = session(form) else { return }
        let normalized: String, tokens: [String]
        do {
            normalized = try session.tokenizer.normalizer.normalize(line)
            tokens = try session.tokenize(line)
        } catch {
            return  // an ICU failure is reported as an error, not a crash
        }
        let text = Tokenizer.detokenize(tokens)
        guard sameScalars(text, normalized) else {
            violated("detokenize(tokenize(x)) \(Array(text.unicodeScalars.map(\.value))) != normalize(x) \(Array(normalized.unicodeScalars.map(\.value)))")
        }
        for token in tokens {
            guard !token.isEmpty, !sameScalars(token, Tokenizer.joiner) else { violated("token '\(token)' in \(tokens)") }
            guard !BPECodesFuzz.hasWhitespace(token) else { violated("token '\(token)' holds white space") }
        }
        // A fresh applier each time: its cache would grow for the whole run.
        BPECodesFuzz.checkSegmentation(BPE(codes: codes), tokens)
    }

    static func session(_ form: Normalization) -> Tokenizer.Session? {
        if let s = sessions[form] { return s }
        let s = try? Tokenizer.Session(Tokenizer(normalization: form))
        sessions[form] = s
        return s
    }
}
