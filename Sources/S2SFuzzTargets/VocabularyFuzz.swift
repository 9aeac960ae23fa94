import S2SText

/// A vocabulary file (`src.vocab`, `tgt.vocab`), decoded as the commands
/// decode it (invalid UTF-8 becomes U+FFFD). What it accepts must write back
/// to the same vocabulary, every token must map to its own id, and no token
/// may span lines.
public enum VocabularyFuzz {
    public static func run(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        guard let vocabulary = try? Vocabulary(fileText: text, path: "fuzz.vocab") else { return }
        for (i, token) in vocabulary.tokens.enumerated() {
            guard vocabulary.id(token) == Int32(i) else { violated("token \(i) '\(token)' maps to id \(vocabulary.id(token))") }
            // One entry a line: the line index is the id.
            guard !token.unicodeScalars.contains("\n") else { violated("token \(i) holds a line feed") }
        }
        let again: Vocabulary
        do {
            again = try Vocabulary(fileText: vocabulary.fileText, path: "fuzz.vocab")
        } catch {
            violated("a vocabulary's own file text does not read back: \(error)")
        }
        guard sameScalars(again.tokens, vocabulary.tokens), again.counts == vocabulary.counts,
              again.hash == vocabulary.hash else {
            violated("a vocabulary's own file text reads back as another vocabulary")
        }
    }
}
