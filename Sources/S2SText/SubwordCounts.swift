/// Pass 2's work on a chunk of pairs as words: which pairs are kept (their
/// subword lengths, from the worker's `WordTable`) and, in the training
/// split, the kept pairs' words counted in that table (the vocabularies'
/// counts, added up over the workers after the pass). Made on the workers,
/// added up in order.
struct SubwordCounts: Sendable {
    var kept = SplitCounts()

    init() {}

    /// - Parameters:
    ///   - maxLength: pairs longer on either side are dropped (0: no limit).
    ///   - counting: count the words (the training split).
    init(_ pairs: [(source: [String], target: [String])], table: WordTable, maxLength: Int, counting: Bool) {
        for (s, t) in pairs {
            let source = s.map(table.id), target = t.map(table.id)
            if kept.keep(sourceLength: table.length(source), targetLength: table.length(target), maxLength: maxLength)
                && counting {
                table.count(source: source, target: target)
            }
        }
    }

    mutating func add(_ other: SubwordCounts) {
        kept.add(other.kept)
    }
}
