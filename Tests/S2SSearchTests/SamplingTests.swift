import Foundation
import S2SCore
import S2SModel
import XCTest

/// The one sampler (`TokenSampling`): a draw takes one value of the seeded
/// generator and picks each token as often as its weight says; search's
/// front end never picks `<pad>` or `<s>` and keeps to the top k.
final class SamplingTests: XCTestCase {
    func testDrawsFollowTheWeightsWithOneValueOfTheGeneratorEach() {
        let weights = [0.5, 0, 2, 1.5, 0.25], total = weights.reduce(0, +)
        var rng = SplitMix64(seed: 4), counts = [Int](repeating: 0, count: weights.count)
        let n = 40_000
        for _ in 0..<n {
            var next = rng
            _ = next.nextDouble()
            let k = TokenSampling.draw(count: weights.count, rng: &rng) { weights[$0] }
            XCTAssertEqual(rng.next(), next.next(), "one value of the generator per draw")
            counts[k] += 1
        }
        XCTAssertEqual(counts[1], 0, "a token of weight 0")
        // 4.5 standard deviations of a binomial proportion at n = 40,000 is under 0.011.
        for k in weights.indices {
            XCTAssertEqual(Double(counts[k]) / Double(n), weights[k] / total, accuracy: 0.011, "token \(k)")
        }
    }

    func testSearchSamplesSkipPadAndStartAndKeepToTheTopK() {
        // log p over 8 tokens; <pad> (0) and <s> (2) the most probable, never drawn.
        let logProbs: [Float] = [-0.1, -3, -0.2, -1, -2, -1.5, -4, -2.5]
        var rng = SplitMix64(seed: 9), counts = [Int](repeating: 0, count: logProbs.count)
        let n = 20_000
        logProbs.withUnsafeBufferPointer { row in
            for _ in 0..<n { counts[Int(TokenSampling.fromLogProbabilities(row, temperature: 1, topK: 0, rng: &rng))] += 1 }
        }
        XCTAssertEqual(counts[0] + counts[2], 0, "<pad> and <s>")
        let allowed = [1, 3, 4, 5, 6, 7], z = allowed.map { Foundation.exp(Double(logProbs[$0])) }.reduce(0, +)
        for k in allowed {
            XCTAssertEqual(Double(counts[k]) / Double(n), Foundation.exp(Double(logProbs[k])) / z, accuracy: 0.016,
                           "token \(k)")
        }
        var top = Set<Int32>()
        logProbs.withUnsafeBufferPointer { row in
            for _ in 0..<2_000 { top.insert(TokenSampling.fromLogProbabilities(row, temperature: 2, topK: 2, rng: &rng)) }
        }
        XCTAssertEqual(top, [3, 5], "the two most probable tokens other than <pad> and <s>")
    }
}
