import S2SCore
import S2SKernels

/// Drawing a token from a model's distribution: the one sampler of training
/// (the model's own token, `--sample-own-token`) and of search (`Sampling`,
/// `--sample`). Both draw by inversion: u uniform in [0, Σ_k w_k), then the
/// first token k whose running sum w_0 + … + w_k passes u. One draw of the
/// seeded generator per token and the weights added in token order (in
/// Double), so a seed gives the same tokens on every machine and with any
/// thread count.
public enum TokenSampling {
    /// k ∈ 0..<count with probability weight(k) / Σ_j weight(j) (weights ≥
    /// 0, each asked for twice); count − 1 when rounding (or a NaN) leaves u
    /// past every weight.
    @inlinable
    public static func draw(count: Int, rng: inout SplitMix64, weight: (Int) -> Double) -> Int {
        var sum = 0.0
        for k in 0..<count { sum += weight(k) }
        var u = rng.nextDouble() * sum
        for k in 0..<count {
            u -= weight(k)
            if u < 0 { return k }
        }
        return count - 1
    }

    /// A token drawn from softmax(logits) over `count` logits, as training
    /// feeds its own token: weights e^(z_k − max z) in the model's precision.
    static func fromLogits<T: Real>(_ logits: UnsafePointer<T>, count: Int, rng: inout SplitMix64) -> Int32 {
        let m = T.maxAndArgmax(logits, count: count).0
        return Int32(draw(count: count, rng: &rng) { Double(T.exp(logits[$0] - m)) })
    }

    /// A token drawn from softmax(log p / temperature) over the `topK` most
    /// probable tokens of a search step's row (0: all), never `<pad>` or
    /// `<s>`; weights e^((log p_k − max log p) / temperature) in Double.
    public static func fromLogProbabilities(_ logProbs: UnsafeBufferPointer<Float>, temperature: Double, topK: Int,
                                            rng: inout SplitMix64) -> Int32 {
        var candidates = logProbs.indices.filter { $0 != Int(SpecialTokens.pad) && $0 != Int(SpecialTokens.bos) }
        if topK > 0 && topK < candidates.count {
            candidates.sort { logProbs[$0] > logProbs[$1] }
            candidates = Array(candidates.prefix(topK))
        }
        let m = candidates.map { Double(logProbs[$0]) }.max() ?? 0
        let weights = candidates.map { Double.exp((Double(logProbs[$0]) - m) / max(temperature, 1e-6)) }
        let k = draw(count: weights.count, rng: &rng) { weights[$0] }
        return candidates.isEmpty ? SpecialTokens.eos : Int32(candidates[k])
    }
}
