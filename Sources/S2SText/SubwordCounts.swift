/// Pass 2's work on a chunk of pairs as words: each word's number in the
/// run's `WordIndex`; which pairs are kept (their subword lengths); in the
/// training split, the kept pairs' words counted in the worker's
/// `IndexedWordCounts` (the vocabularies' counts, added up after the pass);
/// and the pairs as word numbers for pass 3 (`WordSpill`). Made on the
/// workers, added up in order.
struct SubwordCounts: Sendable {
    var kept = SplitCounts()
    var spill: [UInt32] = []
    /// A word that pass 1 did not see: the text changed between the passes.
    var unseen = false

    init() {}

    /// - Parameters:
    ///   - maxLength: pairs longer on either side are dropped (0: no limit).
    ///   - counts: where to count the kept pairs' words (the training split).
    init(_ pairs: [(source: [String], target: [String])], index: WordIndex, maxLength: Int,
         counts: IndexedWordCounts?) {
        let lengths = index.lengths
        // The counts as local arrays in the loop (a class's stored arrays
        // would be checked for exclusive access at every element).
        var sourceCounts = counts?.source ?? [], targetCounts = counts?.target ?? []
        counts?.source = []
        counts?.target = []
        defer {
            counts?.source = sourceCounts
            counts?.target = targetCounts
        }
        for (s, t) in pairs {
            guard let (source, target) = index.numbers((s, t)) else {
                unseen = true
                return
            }
            WordSpill.encode(source, target, into: &spill)
            if kept.keep(sourceLength: WordIndex.length(source, lengths), targetLength: WordIndex.length(target, lengths),
                         maxLength: maxLength),
               counts != nil {
                for w in source { sourceCounts[Int(w)] += 1 }
                for w in target { targetCounts[Int(w)] += 1 }
            }
        }
    }

    mutating func add(_ other: SubwordCounts) {
        kept.add(other.kept)
        unseen = unseen || other.unseen
    }
}
