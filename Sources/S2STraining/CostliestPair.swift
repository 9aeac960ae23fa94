import S2SCore
import S2SModel
import S2SText

/// The training pair that needs the most memory on its own: a pair is never
/// cut, so no batch or pass option (--batch-tokens, --pass-tokens) brings a
/// run below what the pair alone in a batch needs. When that dominates the
/// memory estimate, the remedy is to drop the pair (s2s-prep --max-len).
public struct CostliestPair: Sendable {
    /// Index in the shard (0-based) and subword lengths (without <EOS>, <s>).
    public let index: Int
    public let source: Int
    public let target: Int
    /// `MemoryEstimate.trainingBytes` of a batch of this pair alone, and
    /// of no batch at all (parameters, gradients, Adam's moments: what the
    /// model needs whatever its data).
    public let bytes: Double
    public let modelBytes: Double
    /// The largest --max-len that drops it: the longer side of the longest
    /// pair shorter than it (nil when no pair is), and how many pairs that
    /// drops.
    public let maxLength: Int?
    public let dropped: Int

    /// The pair of `train` whose activations are largest: the decoder's
    /// T·S attention terms and the per-step rows grow with S + T + S·T.
    public init(config: ModelConfig, train: TokenShard) {
        func cost(_ s: Int, _ t: Int) -> Double { Double(s + 1) * Double(t + 1) + Double(s + t) }
        var best = 0, bestCost = -1.0
        for i in 0..<train.count {
            let c = cost(train.source(i).count, train.target(i).count)
            if c > bestCost { best = i; bestCost = c }
        }
        index = best
        source = train.source(best).count
        target = train.target(best).count
        bytes = MemoryEstimate.trainingBytes(config: config, shapes: [(1, source + 1, target + 1)])
        modelBytes = MemoryEstimate.trainingBytes(config: config, shapes: [])
        let side = max(source, target)
        var shorter: Int?, longer = 0
        for i in 0..<train.count {
            let s = max(train.source(i).count, train.target(i).count)
            if s >= side { longer += 1 } else { shorter = max(shorter ?? 0, s) }
        }
        maxLength = shorter
        dropped = longer
    }
}

extension CostliestPair {
    /// Whether this pair is what a run needing `need` bytes, with
    /// `available`, should be told about: the model itself fits, and the
    /// pair's activations alone are at least half the run's.
    public func dominates(need: Double, available: Double) -> Bool {
        modelBytes < available && 2 * (bytes - modelBytes) >= need - modelBytes
    }
}
