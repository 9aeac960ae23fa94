import S2SText

/// A BPE codes file (`bpe.codes`), decoded as the commands decode it, then
/// applied: segmenting never crashes and joins back to the word. And codes
/// made of any symbols a learner can produce (no white space) must write to
/// a file that reads back as the same merges.
public enum BPECodesFuzz {
    public static func run(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        if let codes = try? BPECodes(fileText: text, path: "fuzz.codes") {
            checkReadBack(codes)
            // Words the merges apply to: each merge's parts and their join.
            var words: [String] = []
            for (a, b) in codes.merges.prefix(64) {
                words += [a, b, a + b].map(withoutEndOfWord)
            }
            checkSegmentation(BPE(codes: codes), words + ["lower", "a", "aaaa"])
        }
        // The bytes as a learner's merges: white-space-separated symbols in pairs.
        let symbols = text.unicodeScalars.split { $0.properties.isWhitespace }.map { String(String.UnicodeScalarView($0)) }
        var merges: [(String, String)] = []
        var k = 0
        while k + 1 < symbols.count {
            merges.append((symbols[k], symbols[k + 1]))
            k += 2
        }
        checkReadBack(BPECodes(merges: merges))
    }

    static func checkReadBack(_ codes: BPECodes) {
        // A merge's parts must be non-empty and without white space to be written at all.
        guard codes.merges.allSatisfy({ !$0.0.isEmpty && !$0.1.isEmpty && !hasWhitespace($0.0) && !hasWhitespace($0.1) })
        else { return }
        let again: BPECodes
        do {
            again = try BPECodes(fileText: codes.fileText, path: "fuzz.codes")
        } catch {
            violated("codes do not read back from their own file text: \(error)")
        }
        guard again.merges.count == codes.merges.count,
              zip(again.merges, codes.merges).allSatisfy({ sameScalars($0.0, $1.0) && sameScalars($0.1, $1.1) })
        else { violated("codes read back from their own file text as other merges") }
    }

    /// BPE's subwords of each word: none empty, and `BPE.join` gives the
    /// word back (words ending in the continuation mark `@@` cannot round-trip).
    static func checkSegmentation(_ bpe: BPE, _ words: [String]) {
        for word in words where !word.isEmpty {
            let pieces = bpe.segment(tokens: [word])
            guard !pieces.isEmpty, pieces.allSatisfy({ !$0.isEmpty }) else {
                violated("\(scalars([word])) segments into \(scalars(pieces))")
            }
            if !word.unicodeScalars.reversed().starts(with: BPE.continuation.unicodeScalars) {
                guard sameScalars(BPE.join(pieces), [word]) else {
                    violated("\(scalars([word])) segments into \(scalars(pieces)), which join to \(scalars(BPE.join(pieces)))")
                }
            }
        }
    }

    /// Strings as their scalars in hex, for messages about scalars.
    static func scalars(_ strings: [String]) -> String {
        "[" + strings.map { $0.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ") }.joined(separator: ", ") + "]"
    }

    static func hasWhitespace(_ s: String) -> Bool { s.unicodeScalars.contains { $0.properties.isWhitespace } }

    static func withoutEndOfWord(_ s: String) -> String {
        let end = BPECodes.endOfWord.unicodeScalars
        guard s.unicodeScalars.reversed().starts(with: end.reversed()) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.dropLast(end.count)))
    }
}
