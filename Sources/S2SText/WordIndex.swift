import S2SCore

/// Every word of the corpus (all splits, as pass 1 found them), numbered
/// once for the whole run, and everything the later passes need of a word,
/// made once per word: its subwords (BPE), their number, and once the
/// vocabularies exist its ids on each side. Passes 2 and 3 then look a
/// token up once (pass 2, by its bytes) or not at all (pass 3 reads word
/// numbers), however many subwords the word has. Read-only on the workers.
final class WordIndex: @unchecked Sendable {
    private let numbers: [ExactString: Int32]
    let words: [String]
    private(set) var subwords: [[String]] = []
    private(set) var lengths: [Int32] = []
    /// Per side, every word's ids end to end: word w's from start[w] to
    /// start[w + 1]; and its ids that are `<unk>`.
    private(set) var ids: [(flat: [Int32], start: [Int], unknown: [Int32])] = []

    var count: Int { words.count }

    /// The words of the workers' tables, in byte order (the same numbers
    /// whichever worker met a word first).
    init(tables: [WordTable]) {
        var seen = Set<ExactString>()
        for table in tables { for word in table.words { seen.insert(ExactString(word)) } }
        words = seen.map(\.string).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var numbers: [ExactString: Int32] = [:]
        numbers.reserveCapacity(words.count)
        for (k, word) in words.enumerated() { numbers[ExactString(word)] = Int32(k) }
        self.numbers = numbers
    }

    /// The word's number; nil for a word pass 1 did not see (the text
    /// changed between the passes).
    func number(_ word: String) -> Int32? { numbers[ExactString(word)] }

    /// A pair's words as numbers; nil if one was not seen in pass 1.
    func numbers(_ pair: (source: [String], target: [String])) -> (source: [Int32], target: [Int32])? {
        let source = pair.source.compactMap(number), target = pair.target.compactMap(number)
        guard source.count == pair.source.count && target.count == pair.target.count else { return nil }
        return (source, target)
    }

    /// Segments every word with these codes (nil: whole words), on
    /// `threads` threads, each with its own applier.
    func segment(_ codes: BPECodes?, threads: Int) throws {
        guard let codes else {
            subwords = words.map { $0.isEmpty ? [] : [$0] }
            lengths = subwords.map { Int32($0.count) }
            return
        }
        let appliers = (0..<max(1, threads)).map { _ in BPE(codes: codes) }
        let words = self.words
        subwords = try chunkedMap(count: words.count, chunkSize: 4096, states: appliers) { bpe, range in
            range.map { bpe.segment(words[$0]) }
        }.flatMap { $0 }
        lengths = subwords.map { Int32($0.count) }
    }

    /// Subwords of a sentence of word numbers (`lengths`: the index's).
    static func length(_ sentence: [Int32], _ lengths: [Int32]) -> Int {
        var n = 0
        for w in sentence { n += Int(lengths[Int(w)]) }
        return n
    }

    /// The vocabularies' counts: each word's subwords, as often as the word
    /// occurred on that side of the kept training pairs.
    func subwordCounts(source: [Int], target: [Int]) -> (source: VocabularyBuilder, target: VocabularyBuilder) {
        var builders = (source: VocabularyBuilder(), target: VocabularyBuilder())
        for w in words.indices where source[w] > 0 || target[w] > 0 {
            for subword in subwords[w] {
                if source[w] > 0 { builders.source.add(subword, count: source[w]) }
                if target[w] > 0 { builders.target.add(subword, count: target[w]) }
            }
        }
        return builders
    }

    /// Every word's ids on each side.
    func encode(source: Vocabulary, target: Vocabulary) {
        ids = [source, target].map { vocabulary in
            var flat: [Int32] = [], start = [0], unknown: [Int32] = []
            for pieces in subwords {
                let wordIds = vocabulary.ids(pieces)
                flat += wordIds
                start.append(flat.count)
                unknown.append(Int32(wordIds.count { $0 == SpecialTokens.unk }))
            }
            return (flat, start, unknown)
        }
    }
}

/// One worker's counts of the indexed words in the kept training pairs, per
/// side (pass 2), added up over the workers after the pass.
final class IndexedWordCounts {
    var source: [Int], target: [Int]

    init(words: Int) {
        source = Array(repeating: 0, count: words)
        target = Array(repeating: 0, count: words)
    }
}
