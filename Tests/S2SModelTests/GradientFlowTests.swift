import _S2STestSupport
import S2SCore
import S2SModel
import XCTest

/// ‖∂L/∂h_t‖ of the encoder's first layer (`Seq2Seq.gradientFlow`).
final class GradientFlowTests: XCTestCase {
    /// A long source, short target: the seeds' setting for vanishing gradients.
    let pairs: [(source: [Int32], target: [Int32])] = [
        ((0..<24).map { Int32(4 + $0 % 5) }, [5, 6]), ((0..<20).map { Int32(4 + ($0 * 3) % 5) }, [7, 4]),
    ]

    func model(_ cell: ModelConfig.Cell, attention: ModelConfig.AttentionKind, scale: Double) throws -> Seq2Seq<Double> {
        var c = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 10)
        c.embeddingSize = 6; c.hiddenSize = 8; c.layers = 1; c.cell = cell; c.attention = attention
        c.inputFeeding = attention != .none; c.dropout = 0.5
        let m = try Seq2Seq<Double>(config: c)
        m.initialize(seed: 3, scale: scale)
        return m
    }

    /// Without attention the loss reaches the source only through the final
    /// state: in a contractive vanilla RNN the gradient shrinks geometrically
    /// towards the first position.
    func testVanillaRNNGradientsVanishTowardsTheStart() throws {
        let m = try model(.rnn, attention: .none, scale: 0.3)
        let batch = Batch(pairs: pairs, reverseSource: false)
        let flow = m.gradientFlow(batch)
        XCTAssertEqual(flow.count, batch.sourceLength)
        XCTAssertTrue(flow.allSatisfy { $0 > 0 && $0.isFinite }, "\(flow)")
        XCTAssertLessThan(flow[0], 1e-3 * flow[flow.count - 1], "vanishes: \(flow)")
        for t in 1..<21 { XCTAssertLessThan(flow[t - 1], flow[t], "position \(t): \(flow)") }
        // Gradients are left zero, and the measure is deterministic (no dropout).
        XCTAssertTrue(UnsafeBufferPointer(start: m.gradients.base, count: m.layout.count).allSatisfy { $0 == 0 })
        XCTAssertEqual(m.gradientFlow(batch), flow)
    }

    /// Attention gives every position a short path to the loss: the first
    /// position's gradient no longer vanishes.
    func testAttentionKeepsTheGradientAtTheStart() throws {
        let batch = Batch(pairs: pairs, reverseSource: false)
        let plain = try model(.rnn, attention: .none, scale: 0.3).gradientFlow(batch)
        let attending = try model(.rnn, attention: .general, scale: 0.3).gradientFlow(batch)
        XCTAssertGreaterThan(attending[0] / attending[attending.count - 1], 100 * plain[0] / plain[plain.count - 1],
                             "attention \(attending), none \(plain)")
    }
}
