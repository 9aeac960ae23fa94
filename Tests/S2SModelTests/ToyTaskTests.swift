import _S2STestSupport
import S2SCore
import S2SKernels
import S2SModel
import XCTest

/// A tiny model learns to reverse random symbol strings: the loss must fall
/// to near zero within a few hundred Adam steps (seconds).
final class ToyTaskTests: XCTestCase {
    func testTinyModelLearnsToReverse() throws {
        // Tiny matrices: one BLAS thread beats two threads handing off work.
        try KernelSettings(threads: 1).run { try learnToReverse() }
    }

    func learnToReverse() throws {
        var c = ModelConfig(sourceVocabularySize: 14, targetVocabularySize: 14)
        c.embeddingSize = 24; c.hiddenSize = 48; c.layers = 1; c.dropout = 0
        c.attention = .general; c.inputFeeding = true
        let model = try Seq2Seq<Float>(config: c)
        model.initialize(seed: 1)
        let n = model.layout.count
        var m = [Float](repeating: 0, count: n), v = m
        var data = SplitMix64(seed: 2), rng = SplitMix64(seed: 3)
        func batch(_ size: Int) -> Batch {
            let pairs: [(source: [Int32], target: [Int32])] = (0..<size).map { _ in
                let s = (0..<(3 + data.nextInt(below: 4))).map { _ in Int32(4 + data.nextInt(below: 10)) }
                return (s, Array(s.reversed()))
            }
            return Batch(pairs: pairs, reverseSource: false)
        }
        var last = Double.infinity
        for step in 1...400 {
            model.zeroGradients()
            let r = model.forward(batch(32), training: true, rng: &rng)
            model.backward()
            GradClip.clip(model.gradients.base, count: n, maxNorm: 5)
            Adam.update(params: model.parameters.base, m: &m, v: &v, grads: model.gradients.base, count: n,
                        learningRate: 0.01, step: step)
            last = r.loss / Double(r.tokens)
        }
        // Held-out batch, no dropout: per-token loss near zero.
        let test = model.forward(batch(64), training: false, rng: &rng)
        XCTAssertLessThan(test.loss / Double(test.tokens), 0.05, "last training loss \(last)")
        XCTAssertGreaterThan(Double(test.correct) / Double(test.tokens), 0.98)
    }
}
