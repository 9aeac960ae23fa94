import S2SCore

/// `s2s-prep --dedupe`: drops every training pair whose source and target
/// lines are byte for byte those of an earlier pair. The first pass over the
/// training files decides, line by line, from a 128-bit hash of the pair
/// (two XXH64s with different seeds: 16 bytes a distinct pair, a collision
/// among 10^8 pairs about 10^-23 likely); a later pass over the same text
/// replays the decisions from a bit a line.
final class Deduplication: PairFilter {
    private struct PairHash: Hashable {
        let a: UInt64, b: UInt64
    }

    private var seen: Set<PairHash> = []
    /// Line k (from 0) repeats an earlier pair; its count: the lines decided.
    private var repeated = PairBits()
    private(set) var duplicates = 0

    init() {}

    /// Without the duplicates: decided on the first pass over these lines,
    /// replayed on later ones.
    func filter(_ batch: (source: [String], target: [String]), first: Int) -> (source: [String], target: [String]) {
        precondition(first <= repeated.count, "lines are decided in order")
        for k in batch.source.indices where first + k == repeated.count {
            decide(batch.source[k], batch.target[k])
        }
        return keeping(batch, first: first) { !repeated.contains($0) }
    }

    private func decide(_ source: String, _ target: String) {
        var bytes = Array(source.utf8)
        // The line feed that separated them in the files: ("a b", "c") and
        // ("a", "b c") are different pairs.
        bytes.append(0x0A)
        bytes += target.utf8
        let hash = bytes.withUnsafeBytes { PairHash(a: XXH64.hash($0, seed: 0), b: XXH64.hash($0, seed: 1)) }
        let duplicate = !seen.insert(hash).inserted
        repeated.append(duplicate)
        if duplicate { duplicates += 1 }
    }

    /// Frees the hashes once the first pass is over (the bits stay).
    func finishDeciding() { seen = [] }
}
