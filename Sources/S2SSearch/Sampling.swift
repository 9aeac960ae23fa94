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
        let V = scorer.targetVocabularySize
        var rng = SplitMix64(seed: o.seed)
        var results = [BeamSearch.Hypothesis](repeating: .init(tokens: [], logProbability: 0, score: 0), count: n)
        var active = Array(0..<n)
        var state = scorer.start(sources)
        var previous = [Int32](repeating: 2, count: n)
        let limits = sources.map { Int(Double($0.count) * o.maxLengthRatio) + o.maxLengthExtra }
        var t = 0
        while !active.isEmpty {
            let (logProbs, attention, next) = scorer.step(previous, state)
            let S = attention.isEmpty ? 0 : attention.count / active.count
            var keep: [Int] = [], nextPrevious: [Int32] = []
            for (row, sentence) in active.enumerated() {
                let lp = Array(logProbs[(row * V)..<((row + 1) * V)])
                let token = draw(lp, temperature: o.temperature, topK: o.topK, rng: &rng)
                results[sentence].logProbability += Double(lp[Int(token)])
                if token == 3 { continue }
                results[sentence].tokens.append(token)
                if S > 0 { results[sentence].attention.append(Array(attention[(row * S)..<((row + 1) * S)])) }
                if t + 1 < limits[sentence] {
                    keep.append(row)
                    nextPrevious.append(token)
                }
            }
            state = keep.count == active.count ? next : scorer.select(next, rows: keep)
            active = keep.map { active[$0] }
            previous = nextPrevious
            t += 1
        }
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
