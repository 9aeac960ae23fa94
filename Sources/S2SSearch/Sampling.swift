import S2SModel
import S2SCore

/// Sampling: each token is drawn from softmax(logits / temperature),
/// restricted to the `topK` most probable tokens (0: all), with the run's
/// seeded generator — a translation per line, different for each seed
/// (`TokenSampling.fromLogProbabilities`).
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
                         choose: { TokenSampling.fromLogProbabilities($0, temperature: o.temperature, topK: o.topK, rng: &rng) },
                         take: { sentence, token, logProbs, attention in
                             results[sentence].logProbability += Double(logProbs[Int(token)])
                             guard token != SpecialTokens.eos else { return }
                             results[sentence].tokens.append(token)
                             if !attention.isEmpty { results[sentence].attention.append(Array(attention)) }
                         })
        for i in 0..<n { results[i].score = results[i].logProbability }
        return results
    }
}
