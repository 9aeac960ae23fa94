import S2SCore

/// One worker's words, each looked up once per token and everything else
/// kept per word: its subwords (BPE, through the worker's own applier),
/// their count, the word's occurrences in the kept training pairs on each
/// side, and, once the vocabularies exist, its ids on each side. A pass then
/// costs one hash lookup a token, however many subwords the word has.
///
/// Words are compared by their bytes (`ExactString`), as BPE compares them.
/// Counts add up over every chunk the worker took; their sums over the
/// workers are the same for any number of workers.
final class WordTable {
    /// nil: whole words (no merges learned).
    let bpe: BPE?
    private var index: [ExactString: Int32] = [:]
    private(set) var words: [String] = []
    /// Subwords per word.
    private(set) var lengths: [Int32] = []
    /// Occurrences in counted (training) pairs, per side.
    private(set) var sourceCounts: [Int] = []
    private(set) var targetCounts: [Int] = []
    /// Ids per word and side, filled on first use once `encode` was called.
    private var sourceIds: [[Int32]?] = [], targetIds: [[Int32]?] = []
    private var vocabularies: (source: Vocabulary, target: Vocabulary)?

    init(bpe: BPE?) { self.bpe = bpe }

    /// The word's number in this table (added on first sight).
    func id(_ word: String) -> Int32 {
        if let id = index[ExactString(word)] { return id }
        let id = Int32(words.count)
        index[ExactString(word)] = id
        words.append(word)
        lengths.append(Int32(subwords(of: word).count))
        sourceCounts.append(0)
        targetCounts.append(0)
        sourceIds.append(nil)
        targetIds.append(nil)
        return id
    }

    func subwords(_ id: Int32) -> [String] { subwords(of: words[Int(id)]) }

    private func subwords(of word: String) -> [String] {
        if word.isEmpty { return [] }
        return bpe?.segment(word) ?? [word]
    }

    /// Subwords of a sentence of word numbers.
    func length(_ sentence: [Int32]) -> Int {
        var n = 0
        for w in sentence { n += Int(lengths[Int(w)]) }
        return n
    }

    /// Counts every word of these pairs.
    func count(_ pairs: [(source: [String], target: [String])]) {
        for (s, t) in pairs { count(source: s.map(id), target: t.map(id)) }
    }

    func count(source: [Int32], target: [Int32]) {
        for w in source { sourceCounts[Int(w)] += 1 }
        for w in target { targetCounts[Int(w)] += 1 }
    }

    /// Adds the counted words' subwords to the vocabularies' counts.
    func addSubwordCounts(source: inout VocabularyBuilder, target: inout VocabularyBuilder) {
        for w in words.indices where sourceCounts[w] > 0 || targetCounts[w] > 0 {
            for subword in subwords(Int32(w)) {
                if sourceCounts[w] > 0 { source.add(subword, count: sourceCounts[w]) }
                if targetCounts[w] > 0 { target.add(subword, count: targetCounts[w]) }
            }
        }
    }

    /// From now on `ids` maps words with these vocabularies.
    func encode(source: Vocabulary, target: Vocabulary) {
        vocabularies = (source, target)
        sourceIds = Array(repeating: nil, count: words.count)
        targetIds = Array(repeating: nil, count: words.count)
    }

    /// A sentence's subword ids, appended to `out`; returns the `<unk>`s.
    func appendIds(_ sentence: [Int32], target: Bool, to out: inout [Int32]) -> Int {
        var unknown = 0
        for w in sentence {
            let k = Int(w)
            if let ids = target ? targetIds[k] : sourceIds[k] {
                out += ids
                unknown += ids.count { $0 == SpecialTokens.unk }
                continue
            }
            let vocabulary = target ? vocabularies!.target : vocabularies!.source
            let ids = vocabulary.ids(subwords(w))
            if target { targetIds[k] = ids } else { sourceIds[k] = ids }
            out += ids
            unknown += ids.count { $0 == SpecialTokens.unk }
        }
        return unknown
    }
}
