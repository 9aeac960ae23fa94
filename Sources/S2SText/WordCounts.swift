/// Pass 1's findings in a chunk of segmented pairs: the words, counted
/// (both sides together: BPE is joint) when the split is the training one,
/// and the chunk's tokens as the spill's bytes (`TokenSpill`). Made on the
/// workers, added up in order.
struct WordCounts: Sendable {
    var counts: [String: Int] = [:]
    var words = 0
    var spill: [UInt8] = []

    init() {}

    init(_ pairs: [(source: [String], target: [String])], counting: Bool) {
        for (s, t) in pairs {
            TokenSpill.encode(s, t, into: &spill)
            words += s.count + t.count
            if counting {
                for w in s { counts[w, default: 0] += 1 }
                for w in t { counts[w, default: 0] += 1 }
            }
        }
    }

    mutating func add(_ other: WordCounts) {
        words += other.words
        counts.merge(other.counts, uniquingKeysWith: +)
    }
}
