import S2SText

/// Cuts an input line longer than a model's longest training source into
/// pieces it can take: ICU sentences, packed greedily in order into pieces
/// of at most `maxTokens` subwords; a sentence longer than that alone is cut
/// into windows of `maxTokens` subwords (at a word end where one is near).
/// Without a bound, one search over a 1,000,000-character line holds every
/// source position in attention at every step and grows to gigabytes.
struct LineSplitter {
    let maxTokens: Int
    private let sentences: SentenceSplitter

    init(maxTokens: Int) throws {
        precondition(maxTokens > 0, "maxTokens is checked by Translator.Options")
        self.maxTokens = maxTokens
        sentences = try SentenceSplitter()
    }

    struct Pieces {
        /// Each piece's subwords, in the line's order.
        var pieces: [[String]]
        /// Whether a sentence had to be cut mid-sentence (the caller warns).
        var windowed = false
    }

    /// `segment`: the translator's text → subwords (tokenise, then BPE).
    func pieces(of line: String, segment: (String) throws -> [String]) throws -> Pieces {
        var out = Pieces(pieces: [])
        var current: [String] = []
        for sentence in try sentences.sentences(line) {
            let subwords = try segment(String(sentence))
            if subwords.isEmpty { continue }
            if current.count + subwords.count <= maxTokens {
                current += subwords
                continue
            }
            if !current.isEmpty { out.pieces.append(current) }
            current = []
            if subwords.count <= maxTokens {
                current = subwords
            } else {
                out.windowed = true
                var windows = windowsOf(subwords)
                current = windows.removeLast()  // the tail may share a piece with what follows
                out.pieces += windows
            }
        }
        if !current.isEmpty { out.pieces.append(current) }
        return out
    }

    /// Consecutive windows of at most `maxTokens` subwords. A window ends
    /// after a word's last subword (no `@@`) when one lies in its last
    /// quarter, so that words are not cut in two.
    func windowsOf(_ subwords: [String]) -> [[String]] {
        var windows: [[String]] = []
        var start = 0
        while start < subwords.count {
            var end = min(start + maxTokens, subwords.count)
            if end < subwords.count {
                let earliest = start + max(1, maxTokens * 3 / 4)
                var k = end
                while k > earliest && subwords[k - 1].hasSuffix(BPE.continuation) { k -= 1 }
                if !subwords[k - 1].hasSuffix(BPE.continuation) { end = k }
            }
            windows.append(Array(subwords[start..<end]))
            start = end
        }
        return windows
    }
}
