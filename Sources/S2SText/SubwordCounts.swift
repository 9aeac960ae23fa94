/// Pass 2's findings in a chunk of pairs as subwords: which pairs are kept
/// and, in the training split, the kept subwords' counts on each side (the
/// vocabularies). Made on the workers, added up in order.
struct SubwordCounts: Sendable {
    var kept = SplitCounts()
    var source = VocabularyBuilder()
    var target = VocabularyBuilder()

    init() {}

    /// - Parameters:
    ///   - maxLength: pairs longer on either side are dropped (0: no limit).
    ///   - counting: count the subwords (the training split).
    init(_ pairs: [(source: [String], target: [String])], maxLength: Int, counting: Bool) {
        for (s, t) in pairs where kept.keep(s, t, maxLength: maxLength) && counting {
            source.add(s)
            target.add(t)
        }
    }

    mutating func add(_ other: SubwordCounts) {
        kept.add(other.kept)
        source.merge(other.source)
        target.merge(other.target)
    }
}
