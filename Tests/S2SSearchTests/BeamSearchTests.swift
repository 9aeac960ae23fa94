import S2SModel
import S2SCore
import S2SSearch
import XCTest

/// A scorer whose next-token distribution depends only on the previous
/// token (a bigram table), so the best sequence can be worked out by hand.
struct BigramScorer: Scorer {
    /// logProbs[previous][next]
    let table: [Int32: [Int32: Double]]
    let targetVocabularySize = 8
    func start(_ sources: [[Int32]]) -> [Int32] { [Int32](repeating: 2, count: sources.count) }
    func step(_ previous: [Int32], _ state: [Int32]) -> (logProbs: [Float], attention: [Float], state: [Int32]) {
        var lp = [Float](repeating: -50, count: previous.count * targetVocabularySize)
        for (r, p) in previous.enumerated() {
            for (next, l) in table[p] ?? [:] { lp[r * targetVocabularySize + Int(next)] = Float(l) }
        }
        return (lp, [], previous)
    }
    func select(_ state: [Int32], rows: [Int]) -> [Int32] { rows.map { state[$0] } }
}

final class BeamSearchTests: XCTestCase {
    // From <s>: 4 (p .6) or 5 (p .4). After 4: EOS .3, 6 .3, 7 .4 → all weak;
    // after 5: EOS .95. Greedy takes 4 then 7 …; the best sequence is "5".
    let scorer = BigramScorer(table: [
        2: [4: log(0.6), 5: log(0.4)],
        4: [3: log(0.3), 6: log(0.3), 7: log(0.4)],
        5: [3: log(0.95), 6: log(0.05)],
        6: [3: log(0.9), 4: log(0.1)],
        7: [3: log(0.5), 6: log(0.5)],
    ])

    func options(beam: Int, alpha: Double = 0, nBest: Int = 1) -> BeamSearch.Options {
        var o = BeamSearch.Options()
        o.beamSize = beam; o.lengthPenalty = alpha; o.nBest = nBest; o.maxLengthExtra = 10
        return o
    }

    func testBeamOneEqualsGreedy() {
        let greedy = GreedySearch.decode(scorer, sources: [[9], [9, 9]])
        let beam = BeamSearch.decode(scorer, sources: [[9], [9, 9]], options: options(beam: 1)).map { $0[0].tokens }
        XCTAssertEqual(beam, greedy)
        XCTAssertEqual(greedy[0], [4, 7])  // 4 (.6), then 7 (.4), then EOS (.5)
    }

    func testBeamFindsABetterSequenceThanGreedy() {
        let best = BeamSearch.decode(scorer, sources: [[9]], options: options(beam: 3))[0][0]
        XCTAssertEqual(best.tokens, [5])
        XCTAssertEqual(best.logProbability, log(0.4) + log(0.95), accuracy: 1e-6)
        // Greedy's path 4 7 <EOS> has p = .6·.4·.5 = .12 < .4·.95 = .38.
    }

    func testNBestAreOrderedByScore() {
        let hyps = BeamSearch.decode(scorer, sources: [[9]], options: options(beam: 4, nBest: 4))[0]
        XCTAssertEqual(hyps.count, 4)
        // p: 5 → .4·.95 = .38; 4 → .6·.3 = .18; 4 6 → .6·.3·.9 = .162; 4 7 → .6·.4·.5 = .12
        XCTAssertEqual(hyps.map(\.tokens), [[5], [4], [4, 6], [4, 7]])
        for (a, b) in zip(hyps, hyps.dropFirst()) { XCTAssertGreaterThanOrEqual(a.score, b.score) }
    }

    func testLengthPenaltyFavoursLongerHypotheses() {
        // Without α the short "4" (.18) beats "4 6" (.162); with α = 2 each
        // log-probability is divided by ((5 + |Y|)/6)², more for the longer,
        // and the order flips.
        let plain = BeamSearch.decode(scorer, sources: [[9]], options: options(beam: 4, nBest: 8))[0]
        let penalised = BeamSearch.decode(scorer, sources: [[9]], options: options(beam: 4, alpha: 2, nBest: 8))[0]
        // α = 2 even lifts the 3-token "4 7 6" (.108) above "4" (.18).
        XCTAssertEqual(Array(penalised.map(\.tokens).prefix(3)), [[5], [4, 7, 6], [4, 6]])
        func score(_ hyps: [BeamSearch.Hypothesis], _ t: [Int32]) -> Double { hyps.first { $0.tokens == t }?.score ?? .nan }
        XCTAssertEqual(score(penalised, [4, 6]), score(plain, [4, 6]) / pow(8.0 / 6, 2), accuracy: 1e-9)
        XCTAssertEqual(score(penalised, [4]), score(plain, [4]) / pow(7.0 / 6, 2), accuracy: 1e-9)
        XCTAssertGreaterThan(score(plain, [4]), score(plain, [4, 6]))
        XCTAssertGreaterThan(score(penalised, [4, 6]), score(penalised, [4]))
    }

    func testMinimumLengthForbidsEarlyEOS() {
        var o = options(beam: 3)
        o.minLength = 2
        let best = BeamSearch.decode(scorer, sources: [[9]], options: o)[0][0]
        XCTAssertGreaterThanOrEqual(best.tokens.count, 2)
        XCTAssertEqual(best.tokens, [4, 6])  // .162, against 4 7 (.12) and 5 6 (.018)
    }
}

final class EnsembleTests: XCTestCase {
    /// The ensemble's log-probabilities are the members' mean.
    func testAveragesLogProbabilities() {
        let a = BigramScorer(table: [2: [4: log(0.8), 5: log(0.2)]])
        let b = BigramScorer(table: [2: [4: log(0.2), 5: log(0.8)]])
        let e = Ensemble([a, b])
        let out = e.step([2], e.start([[9]]))
        XCTAssertEqual(Double(out.logProbs[4]), (log(0.8) + log(0.2)) / 2, accuracy: 1e-6)
        XCTAssertEqual(Double(out.logProbs[5]), (log(0.2) + log(0.8)) / 2, accuracy: 1e-6)
        let single = BeamSearch.decode(a, sources: [[9]], options: BeamSearch.Options())
        let same = BeamSearch.decode(Ensemble([a, a]), sources: [[9]], options: BeamSearch.Options())
        XCTAssertEqual(single[0].map(\.tokens), same[0].map(\.tokens))
    }
}

final class CoveragePenaltyTests: XCTestCase {
    func testCoverageValue() {
        // Two target tokens over 3 source positions (+ one padding column).
        let attention: [[Float]] = [[0.5, 0.5, 0, 0], [0.2, 0.3, 0.5, 0]]
        // Coverage 0.7, 0.8, 0.5 → β·(log .7 + log .8 + log .5); the pad column is not counted.
        XCTAssertEqual(BeamSearchCoverage.value(attention, sourceLength: 3, beta: 0.2),
                       0.2 * (log(0.7) + log(0.8) + log(0.5)), accuracy: 1e-6)
        XCTAssertEqual(BeamSearchCoverage.value([[1, 1, 1]], sourceLength: 3, beta: 0.2), 0, accuracy: 1e-12)
    }
}

/// Stopping once the n returned hypotheses cannot be beaten (rather than
/// once k have finished) returns the same best hypotheses in fewer steps.
final class BeamStoppingTests: XCTestCase {
    func testStoppingAtTheNBestKeepsTheBest() {
        var rng = SplitMix64(seed: 5)
        var shorter = 0
        for trial in 0..<20 {
            var table: [Int32: [Int32: Double]] = [:]
            for p in Int32(2)..<8 where p != 3 {
                let weights = (3..<8).map { _ in rng.nextDouble() + 0.05 }
                let total = weights.reduce(0, +)
                table[p] = Dictionary(uniqueKeysWithValues: zip(Int32(3)..<8, weights.map { log($0 / total) }))
            }
            let scorer = CountingScorer(inner: BigramScorer(table: table))
            var o = BeamSearch.Options()
            o.beamSize = 5; o.maxLengthExtra = 12
            o.nBest = 5
            let all = BeamSearch.decode(scorer, sources: [[9]], options: o)[0]
            let stepsForAll = scorer.steps.value
            scorer.steps.value = 0
            o.nBest = 1
            let one = BeamSearch.decode(scorer, sources: [[9]], options: o)[0]
            XCTAssertEqual(one.count, 1)
            XCTAssertEqual(one[0].tokens, all[0].tokens, "trial \(trial)")
            XCTAssertEqual(one[0].score, all[0].score, accuracy: 1e-9)
            XCTAssertLessThanOrEqual(scorer.steps.value, stepsForAll)
            if scorer.steps.value < stepsForAll { shorter += 1 }
        }
        XCTAssertGreaterThan(shorter, 0, "some searches end sooner")
    }
}

final class Counter: @unchecked Sendable { var value = 0 }

struct CountingScorer: Scorer {
    let inner: BigramScorer
    let steps = Counter()
    var targetVocabularySize: Int { inner.targetVocabularySize }
    func start(_ sources: [[Int32]]) -> [Int32] { inner.start(sources) }
    func step(_ previous: [Int32], _ state: [Int32]) -> (logProbs: [Float], attention: [Float], state: [Int32]) {
        steps.value += 1
        return inner.step(previous, state)
    }
    func select(_ state: [Int32], rows: [Int]) -> [Int32] { inner.select(state, rows: rows) }
}
