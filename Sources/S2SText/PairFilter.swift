/// Leaves pairs out of a pass on the main thread, before the workers see
/// them, by their place in the stream (`first`: the number of the batch's
/// first pair, from 0), the same way on every pass over the same pairs:
/// `Deduplication` (--dedupe), `PairSample` (--bpe-sample).
protocol PairFilter: AnyObject {
    func filter(_ batch: (source: [String], target: [String]), first: Int) -> (source: [String], target: [String])
}

extension PairFilter {
    /// The batch's pairs for which `keep(number)` is true.
    func keeping(_ batch: (source: [String], target: [String]), first: Int,
                 _ keep: (Int) -> Bool) -> (source: [String], target: [String]) {
        var kept: (source: [String], target: [String]) = ([], [])
        for k in batch.source.indices where keep(first + k) {
            kept.source.append(batch.source[k])
            kept.target.append(batch.target[k])
        }
        return kept
    }
}

/// A set of pair numbers, a bit each.
struct PairBits {
    private var words: [UInt64] = []
    private(set) var count = 0

    /// Appends whether the next pair is in the set.
    mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        if bit { words[count >> 6] |= 1 << UInt64(count & 63) }
        count += 1
    }

    func contains(_ k: Int) -> Bool { words[k >> 6] & (1 << UInt64(k & 63)) != 0 }
}
