/// Pass 1's work on a chunk of segmented pairs: the chunk's tokens as the
/// spill's bytes (`TokenSpill`) and how many there are; in the training
/// split, the words counted (both sides together: BPE is joint) in the
/// worker's `WordTable`, added up over the workers after the pass
/// (`PairSegmenter.wordCounts`). Made on the workers, written out in order.
struct WordCounts: Sendable {
    var words = 0
    var spill: [UInt8] = []

    init(_ pairs: [(source: [String], target: [String])], table: WordTable, counting: Bool) {
        for (s, t) in pairs {
            TokenSpill.encode(s, t, into: &spill)
            words += s.count + t.count
            if counting { table.count(source: s.map(table.id), target: t.map(table.id)) }
        }
    }
}
