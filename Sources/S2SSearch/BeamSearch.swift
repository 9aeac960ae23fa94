import S2SModel
import S2SCore
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

        /// The most tokens a translation of `sourceLength` tokens gets: one
        /// that reaches it ends there, `<EOS>` or not (`minLength` above it
        /// cannot be met).
        public func maxLength(sourceLength: Int) -> Int {
            Int(Double(sourceLength) * maxLengthRatio) + maxLengthExtra
        }
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
    ///
    /// Hypotheses are nodes of a prefix tree (token, parent, the step's
    /// attention row) that only grows: extending a hypothesis appends one
    /// node, and a finished one is read back along its parents. Nothing is
    /// copied per step but the decoder state rows that `select` gathers.
    public static func decode<S: Scorer>(_ scorer: S, sources: [[Int32]], options o: Options) -> [[Hypothesis]] {
        let n = sources.count
        if n == 0 { return [] }
        let V = scorer.targetVocabularySize, k = max(1, o.beamSize)
        // Finished hypotheses to collect per sentence: the n returned, or all k
        // when the coverage penalty re-ranks them after the search.
        let wanted = o.coveragePenalty != 0 ? k : min(k, max(1, o.nBest))
        let limits = sources.map { o.maxLength(sourceLength: $0.count) }
        var finished = [[Hypothesis]](repeating: [], count: n)
        var tree = PrefixTree()
        // Live hypotheses, one decoder state row each; node −1 is the empty prefix.
        var live: [(sentence: Int, logP: Double, node: Int32)] = (0..<n).map { ($0, 0, -1) }
        var state = scorer.start(sources)
        var previous = [Int32](repeating: SpecialTokens.bos, count: n)
        var top = TopK(k)
        var t = 0
        while !live.isEmpty {
            let (logProbs, attention, next) = scorer.step(previous, state)
            tree.attentionWidth = attention.isEmpty ? 0 : attention.count / live.count
            // Candidates per sentence: each live row's k best tokens.
            var candidates = [[(row: Int, token: Int32, logP: Double)]](repeating: [], count: n)
            logProbs.withUnsafeBufferPointer { lp in
                for (row, h) in live.enumerated() {
                    top.scan(lp.baseAddress! + row * V, count: V, allowEOS: t >= o.minLength)
                    for (v, p) in top.items { candidates[h.sentence].append((row, v, h.logP + Double(p))) }
                }
            }
            var newLive: [(sentence: Int, logP: Double, node: Int32)] = []
            var parents: [Int] = []
            for s in 0..<n where !candidates[s].isEmpty {
                let ranked = candidates[s].sorted { $0.logP > $1.logP }
                var kept = 0
                for c in ranked {
                    if kept >= k { break }
                    let parent = live[c.row].node
                    if c.token == SpecialTokens.eos {
                        let (tokens, rows) = tree.path(parent)
                        finished[s].append(Hypothesis(tokens: tokens, logProbability: c.logP,
                                                      score: normalized(c.logP, length: tokens.count + 1, alpha: o.lengthPenalty),
                                                      attention: rows))
                        continue
                    }
                    let node = tree.append(c.token, parent: parent, attention: attention, row: c.row)
                    if t + 1 >= limits[s] {
                        let (tokens, rows) = tree.path(node)
                        finished[s].append(Hypothesis(tokens: tokens, logProbability: c.logP,
                                                      score: normalized(c.logP, length: tokens.count, alpha: o.lengthPenalty),
                                                      attention: rows))
                    } else {
                        newLive.append((s, c.logP, node))
                        parents.append(c.row)
                    }
                    kept += 1
                }
                // Done when the n best finished hypotheses can no longer be
                // beaten: a live one's log-probability only falls, and its
                // length penalty is at most lp(limit), so logP / lp(limit)
                // bounds its final score. (Waiting for k finished ones when
                // fewer are returned would only search on for hypotheses that
                // cannot enter the answer.)
                if finished[s].count >= wanted {
                    let kth = finished[s].map(\.score).sorted(by: >)[wanted - 1]
                    var bound = -Double.infinity
                    for h in newLive.reversed() {
                        guard h.sentence == s else { break }
                        bound = max(bound, normalized(h.logP, length: o.lengthPenalty == 0 ? 0 : limits[s] + 1,
                                                      alpha: o.lengthPenalty))
                    }
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
            previous = newLive.map { tree.token[Int($0.node)] }
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

/// The hypotheses of a search as a tree of prefixes: node i holds its last
/// token, its parent (−1: the empty prefix) and the attention row of the step
/// that chose the token (width `attentionWidth`, 0 without attention).
struct PrefixTree {
    var token: [Int32] = []
    var parent: [Int32] = []
    var attentionRows: [Float] = []
    var attentionWidth = 0

    /// Appends `token` after `parent`, with row `row` of the step's (rows, S) attention.
    mutating func append(_ token: Int32, parent: Int32, attention: [Float], row: Int) -> Int32 {
        self.token.append(token)
        self.parent.append(parent)
        if attentionWidth > 0 {
            attentionRows.append(contentsOf: attention[(row * attentionWidth)..<((row + 1) * attentionWidth)])
        }
        return Int32(self.token.count - 1)
    }

    /// The tokens from the root to `node`, and their attention rows.
    func path(_ node: Int32) -> (tokens: [Int32], attention: [[Float]]) {
        var tokens: [Int32] = [], rows: [[Float]] = []
        var i = Int(node)
        while i >= 0 {
            tokens.append(token[i])
            if attentionWidth > 0 { rows.append(Array(attentionRows[(i * attentionWidth)..<((i + 1) * attentionWidth)])) }
            i = Int(parent[i])
        }
        return (tokens.reversed(), rows.reversed())
    }
}

/// The k largest log-probabilities of a row, best first. `<pad>` (0) and
/// `<s>` (2) are never produced; `<EOS>` (3) only when allowed.
/// (`LogProbabilities.topK`: one pass, a value compared with the current
/// k-th best before anything else.)
struct TopK {
    let k: Int
    private var tokens: [Int32]
    private var values: [Float]
    private var held = 0

    init(_ k: Int) { self.k = k; tokens = [Int32](repeating: 0, count: k); values = [Float](repeating: 0, count: k) }

    var items: [(token: Int32, logP: Float)] { (0..<held).map { (tokens[$0], values[$0]) } }

    private static let never = [SpecialTokens.pad, SpecialTokens.bos]
    private static let neverNorEOS = never + [SpecialTokens.eos]

    mutating func scan(_ row: UnsafePointer<Float>, count: Int, allowEOS: Bool) {
        let k = self.k
        held = tokens.withUnsafeMutableBufferPointer { t in
            values.withUnsafeMutableBufferPointer { v in
                LogProbabilities.topK(row, count: count, k: k, skip: allowEOS ? Self.never : Self.neverNorEOS,
                                      tokens: t.baseAddress!, values: v.baseAddress!)
            }
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
