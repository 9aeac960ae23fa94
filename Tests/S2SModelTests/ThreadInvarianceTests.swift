import _S2STestSupport
import S2SCore
import S2SKernels
import S2SModel
import XCTest

/// A training step (forward, backward, clipping, Adam) at a shape where every
/// split happens — products over 2^21 multiply-adds, cell rows, dropout
/// masks, softmax and attention rows, column sums — gives the same
/// loss, gradients and parameters bit for bit with 1, 2 or 3 threads: the
/// thread count changes how work is shared, never a value.
final class ThreadInvarianceTests: XCTestCase {
    func testTrainingStepDoesNotDependOnTheThreadCount() throws {
        try checkThreadInvariance(precision: .float32)
    }

    /// The same in bfloat16 (s2s-train --precision bfloat16): BFloat16Gemm
    /// and the bfloat16 packs split by panels, never within a dot product.
    func testBFloat16TrainingStepDoesNotDependOnTheThreadCount() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.bfloat16), "no AVX512_BF16: training runs in float32 here")
        try checkThreadInvariance(precision: .bfloat16)
    }

    func checkThreadInvariance(precision: PackedMatrix.Precision) throws {
        var data = SplitMix64(seed: 3)
        let pairs: [(source: [Int32], target: [Int32])] = (0..<128).map { _ in
            ((0..<(3 + data.nextInt(below: 5))).map { _ in Int32(4 + data.nextInt(below: 296)) },
             (0..<(3 + data.nextInt(below: 5))).map { _ in Int32(4 + data.nextInt(below: 296)) })
        }
        let batch = Batch(pairs: pairs, reverseSource: false)
        for cell in ModelConfig.Cell.allCases {
            var c = ModelConfig(sourceVocabularySize: 300, targetVocabularySize: 300)
            c.embeddingSize = 64; c.hiddenSize = 64; c.layers = 2; c.cell = cell
            c.attention = .general; c.inputFeeding = true; c.dropout = 0.2
            func step(threads: Int) throws -> (loss: Double, gradients: [Float], parameters: [Float]) {
                try KernelSettings(threads: threads, precision: precision).run { try stepAlone() }
            }
            func stepAlone() throws -> (loss: Double, gradients: [Float], parameters: [Float]) {
                let model = try Seq2Seq<Float>(config: c)
                model.initialize(seed: 4)
                let n = model.layout.count
                let m = Arena<Float>(capacity: n), v = Arena<Float>(capacity: n)
                var rng = SplitMix64(seed: 5)
                model.zeroGradients()
                let loss = model.forward(batch, training: true, rng: &rng).loss
                model.backward()
                GradClip.clip(model.gradients.base, count: n, maxNorm: 1, threads: KernelThreads.current)
                let gradients = Array(UnsafeBufferPointer(start: model.gradients.base, count: n))
                Adam.update(params: model.parameters.base, m: m.base, v: v.base, grads: model.gradients.base, count: n,
                            learningRate: 1e-3, step: 1)
                return (loss, gradients, Array(UnsafeBufferPointer(start: model.parameters.base, count: n)))
            }
            let one = try step(threads: 1)
            for threads in [2, 3] {
                let many = try step(threads: threads)
                XCTAssertEqual(many.loss, one.loss, "\(cell) \(precision) threads=\(threads): loss")
                XCTAssertEqual(zip(many.gradients, one.gradients).filter { $0 != $1 }.count, 0,
                               "\(cell) threads=\(threads): gradients differing")
                XCTAssertEqual(zip(many.parameters, one.parameters).filter { $0 != $1 }.count, 0,
                               "\(cell) threads=\(threads): parameters differing after Adam")
            }
        }
    }
}
