/// Beam search, batched over sentences and beams: every step scores all live
/// hypotheses of all sentences in one call to the scorer. A hypothesis ends
/// at `<EOS>` and leaves the beam; a sentence is done when `beamSize`
/// finished hypotheses can no longer be beaten by a live one, or at its length
/// limit (then its live ones are finished as they stand). Scores are log-probabilities, normalised by
/// GNMT's length penalty lp(Y) = ((5 + |Y|)/6)^α (Wu et al. 2016) when α > 0.
public enum BeamSearch {
    public struct Options: Sendable {
        public var beamSize = 5
        /// Length penalty α (0: raw log-probability).
        public var lengthPenalty = 0.0
        /// Coverage penalty β (GNMT): adds β·Σ_j log(min(Σ_t α_tj, 1)) over the
        /// source positions, favouring translations that attend to all of the
        /// source (0: off; needs attention).
        public var coveragePenalty = 0.0
        public var maxLengthRatio = 2.0
        public var maxLengthExtra = 10
        /// `<EOS>` is not allowed before this many tokens.
        public var minLength = 0
        /// Hypotheses returned per sentence (≤ beamSize).
        public var nBest = 1
        public init() {}
    }

    public struct Hypothesis: Sendable, Equatable {
        /// Token ids without `<s>`/`<EOS>`.
        public var tokens: [Int32]
        /// Σ log p of the tokens (and of `<EOS>` when finished).
        public var logProbability: Double
        /// The score search ranks by: logProbability / lp(|tokens| + 1).
        public var score: Double
        /// Per token, the attention over source positions (as encoded) when
        /// it was chosen; empty without attention.
        public var attention: [[Float]]

        public init(tokens: [Int32], logProbability: Double, score: Double, attention: [[Float]] = []) {
            self.tokens = tokens; self.logProbability = logProbability; self.score = score
            self.attention = attention
        }

        /// Per token, the source position (as encoded) with the most attention.
        public var alignment: [Int] {
            attention.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
        }
    }

    static let bos: Int32 = 2, eos: Int32 = 3

    static func normalized(_ logP: Double, length: Int, alpha: Double) -> Double {
        alpha == 0 ? logP : logP / pow((5 + Double(length)) / 6, alpha)
    }

    /// β·Σ_j log(min(Σ_t α_tj, 1)) over the first `sourceLength` positions
    /// (an uncovered position counts as 1e-6 rather than −∞).
    static func coverage(_ attention: [[Float]], sourceLength: Int, beta: Double) -> Double {
        guard beta != 0, let first = attention.first else { return 0 }
        var total = 0.0
        for j in 0..<min(sourceLength, first.count) {
            let covered = attention.reduce(0.0) { $0 + Double($1[j]) }
            total += log(min(max(covered, 1e-6), 1))
        }
        return beta * total
    }

    /// The n-best hypotheses of each source sentence, best first.
    public static func decode<S: Scorer>(_ scorer: S, sources: [[Int32]], options o: Options) -> [[Hypothesis]] {
        let n = sources.count
        if n == 0 { return [] }
        let V = scorer.targetVocabularySize, k = max(1, o.beamSize)
        let limits = sources.map { Int(Double($0.count) * o.maxLengthRatio) + o.maxLengthExtra }
        var finished = [[Hypothesis]](repeating: [], count: n)
        // Live hypotheses: (sentence, tokens, logP), one state row each.
        var live: [(sentence: Int, tokens: [Int32], logP: Double, attention: [[Float]])] = (0..<n).map { ($0, [], 0, []) }
        var state = scorer.start(sources)
        var previous = [Int32](repeating: bos, count: n)
        var t = 0
        while !live.isEmpty {
            let (logProbs, attention, next) = scorer.step(previous, state)
            let S = attention.isEmpty ? 0 : attention.count / live.count
            func attentionRow(_ row: Int) -> [[Float]] {
                S > 0 ? [Array(attention[(row * S)..<((row + 1) * S)])] : []
            }
            // Candidates per sentence: each live row's k best tokens.
            var candidates = [[(row: Int, token: Int32, logP: Double)]](repeating: [], count: n)
            for (row, h) in live.enumerated() {
                let base = row * V
                var top: [(Int32, Double)] = []
                for v in 0..<V {
                    if v == Int(eos) && t < o.minLength { continue }
                    if v == 0 || v == Int(bos) { continue }  // <pad> and <s> are never produced
                    let lp = Double(logProbs[base + v])
                    if top.count < k {
                        top.append((Int32(v), lp))
                        if top.count == k { top.sort { $0.1 > $1.1 } }
                    } else if lp > top[k - 1].1 {
                        var i = k - 1
                        while i > 0 && top[i - 1].1 < lp { i -= 1 }
                        top.insert((Int32(v), lp), at: i)
                        top.removeLast()
                    }
                }
                for (v, lp) in top { candidates[h.sentence].append((row, v, h.logP + lp)) }
            }
            var newLive: [(sentence: Int, tokens: [Int32], logP: Double, attention: [[Float]])] = []
            var parents: [Int] = []
            for s in 0..<n where !candidates[s].isEmpty {
                let ranked = candidates[s].sorted { $0.logP > $1.logP }
                var kept = 0
                for c in ranked {
                    if kept >= k { break }
                    let tokens = live[c.row].tokens
                    if c.token == eos {
                        finished[s].append(Hypothesis(tokens: tokens, logProbability: c.logP,
                                                      score: normalized(c.logP, length: tokens.count + 1, alpha: o.lengthPenalty),
                                                      attention: live[c.row].attention))
                    } else if t + 1 >= limits[s] {
                        let all = tokens + [c.token]
                        finished[s].append(Hypothesis(tokens: all, logProbability: c.logP,
                                                      score: normalized(c.logP, length: all.count, alpha: o.lengthPenalty),
                                                      attention: live[c.row].attention + attentionRow(c.row)))
                        kept += 1
                    } else {
                        newLive.append((s, tokens + [c.token], c.logP, live[c.row].attention + attentionRow(c.row)))
                        parents.append(c.row)
                        kept += 1
                    }
                }
                // Done when k finished hypotheses can no longer be beaten: a live
                // one's log-probability only falls, and its length penalty is at
                // most lp(limit), so logP / lp(limit) bounds its final score.
                if finished[s].count >= k {
                    let kth = finished[s].map(\.score).sorted(by: >)[k - 1]
                    let bound = newLive.filter { $0.sentence == s }
                        .map { normalized($0.logP, length: o.lengthPenalty == 0 ? 0 : limits[s] + 1, alpha: o.lengthPenalty) }
                        .max() ?? -Double.infinity
                    if bound <= kth {
                        while let last = newLive.last, last.sentence == s {
                            newLive.removeLast()
                            parents.removeLast()
                        }
                    }
                }
            }
            if newLive.isEmpty { break }
            state = scorer.select(next, rows: parents)
            previous = newLive.map { $0.tokens.last! }
            live = newLive
            t += 1
        }
        return finished.enumerated().map { s, hyps in
            var scored = hyps
            if o.coveragePenalty != 0 {
                for i in scored.indices {
                    scored[i].score += coverage(scored[i].attention, sourceLength: sources[s].count + 1,
                                                beta: o.coveragePenalty)
                }
            }
            return Array(scored.sorted { $0.score > $1.score }.prefix(max(1, o.nBest)))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The coverage term, for tests and tools.
public enum BeamSearchCoverage {
    public static func value(_ attention: [[Float]], sourceLength: Int, beta: Double) -> Double {
        BeamSearch.coverage(attention, sourceLength: sourceLength, beta: beta)
    }
}
