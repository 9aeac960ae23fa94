import S2SModel
import S2SCore

/// Sampling: each token is drawn from softmax(logits / temperature),
/// restricted to the `topK` most probable tokens (0: all), with the run's
/// seeded generator — a translation per line, different for each seed.
public enum Sampling {
    public struct Options: Sendable {
        public var temperature = 1.0
        public var topK = 0
        public var seed: UInt64 = 1
        public var maxLengthRatio = 2.0
        public var maxLengthExtra = 10
        public init() {}
    }

    public static func decode<S: Scorer>(_ scorer: S, sources: [[Int32]], options o: Options) -> [BeamSearch.Hypothesis] {
        let n = sources.count
        if n == 0 { return [] }
        var rng = SplitMix64(seed: o.seed)
        var results = [BeamSearch.Hypothesis](repeating: .init(tokens: [], logProbability: 0, score: 0), count: n)
        TokenPerStep.run(scorer, sources: sources, maxLengthRatio: o.maxLengthRatio, maxLengthExtra: o.maxLengthExtra,
                         choose: { draw(Array($0), temperature: o.temperature, topK: o.topK, rng: &rng) },
                         take: { sentence, token, logProbs, attention in
                             results[sentence].logProbability += Double(logProbs[Int(token)])
                             guard token != SpecialTokens.eos else { return }
                             results[sentence].tokens.append(token)
                             if !attention.isEmpty { results[sentence].attention.append(Array(attention)) }
                         })
        for i in 0..<n { results[i].score = results[i].logProbability }
        return results
    }

    /// A token from softmax(logProbs / temperature) over the top k (never <pad> or <s>).
    static func draw(_ logProbs: [Float], temperature: Double, topK: Int, rng: inout SplitMix64) -> Int32 {
        var candidates = Array(logProbs.indices.filter { $0 != 0 && $0 != 2 })
        if topK > 0 && topK < candidates.count {
            candidates.sort { logProbs[$0] > logProbs[$1] }
            candidates = Array(candidates.prefix(topK))
        }
        let m = candidates.map { Double(logProbs[$0]) }.max() ?? 0
        let weights = candidates.map { exp((Double(logProbs[$0]) - m) / max(temperature, 1e-6)) }
        var u = rng.nextDouble() * weights.reduce(0, +)
        for (c, w) in zip(candidates, weights) {
            u -= w
            if u < 0 { return Int32(c) }
        }
        return Int32(candidates.last ?? 3)
    }
}

#if canImport(Glibc)
import Glibc
#endif
