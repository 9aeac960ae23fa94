/// Pass 1's work on a chunk of segmented pairs: the chunk's tokens as the
/// spill's bytes (`TokenSpill`) and how many there are; every word noted in
/// the worker's `WordTable` (the run's `WordIndex` is made of them), and in
/// the training split counted (`PairSegmenter.wordCounts`). Made on the
/// workers, written out in order.
struct WordCounts: Sendable {
    var words = 0
    var spill: [UInt8] = []

    init(_ pairs: [(source: [String], target: [String])], table: WordTable, counting: Bool, spilling: Bool = true) {
        for (s, t) in pairs {
            if spilling { TokenSpill.encode(s, t, into: &spill) }
            words += s.count + t.count
            table.add(s, t, counting: counting)
        }
    }
}
