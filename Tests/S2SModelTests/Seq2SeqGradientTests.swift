import _S2STestSupport
import S2SCore
import S2SKernels
import S2SModel
import XCTest

/// The whole model's loss gradient against central finite differences, in
/// Double, on a tiny model (B=2, S=3+<EOS>, T=4+<EOS>, E=3, H=4, V=7/8), for
/// every combination of: uni/bidirectional, 1/2 layers, LSTM/GRU, attention
/// none/dot/general/concat, input feeding on/off, source reversal on/off,
/// label smoothing on/off. Dropout is on in half of them (the same seed gives
/// the same masks, so the loss stays a deterministic function).
final class Seq2SeqGradientTests: XCTestCase {
    static let pairs: [(source: [Int32], target: [Int32])] = [([4, 5, 6], [5, 7, 4, 6]), ([6, 4], [7, 5])]

    static func configurations() -> [ModelConfig] {
        var out: [ModelConfig] = []
        var k = 0
        for bidirectional in [false, true] {
            for (layers, residual, pyramid) in [(1, false, false), (2, false, false), (3, true, false), (3, false, true)] {
                for cell in ModelConfig.Cell.allCases {
                    for attention in ModelConfig.AttentionKind.allCases {
                        for inputFeeding in [false, true] where !(inputFeeding && attention == .none) {
                            for reverse in [false, true] {
                                for smoothing in [0.0, 0.1] {
                                    var c = ModelConfig(sourceVocabularySize: 7, targetVocabularySize: 8)
                                    c.embeddingSize = 3
                                    c.hiddenSize = 4
                                    c.attentionSize = 3
                                    c.layers = layers
                                    c.residual = residual
                                    c.pyramid = pyramid
                                    c.cell = cell
                                    c.bidirectional = bidirectional
                                    c.attention = attention
                                    c.inputFeeding = inputFeeding
                                    c.reverseSource = reverse
                                    c.labelSmoothing = smoothing
                                    c.dropout = k % 2 == 0 ? 0 : 0.25
                                    k += 1
                                    out.append(c)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Mean loss per target token (what the gradient is of), with a fixed
    /// dropout seed.
    func loss(_ model: Seq2Seq<Double>, _ batch: Batch) -> Double {
        var rng = SplitMix64(seed: 99)
        let r = model.forward(batch, training: true, rng: &rng)
        return r.loss / Double(r.tokens)
    }

    func testGradientsMatchFiniteDifferencesInEveryConfiguration() throws {
        let configs = Self.configurations()
        XCTAssertEqual(configs.count, 672)  // 2 directions × 4 depths (1, 2, 3 residual, 3 pyramid) × 3 cells × 7 attention/feeding × 2 reversals × 2 smoothings
        var pick = SplitMix64(seed: 3)
        for (n, config) in configs.enumerated() {
            let model = try Seq2Seq<Double>(config: config)
            model.initialize(seed: UInt64(n), scale: 0.5)
            let batch = Batch(pairs: Self.pairs, reverseSource: config.reverseSource)
            model.zeroGradients()
            var rng = SplitMix64(seed: 99)
            model.forward(batch, training: true, rng: &rng)
            model.backward()
            // A copy: the finite-difference forwards below add into the buffer again.
            let grads = Array(UnsafeBufferPointer(start: model.gradients.base, count: model.layout.count))
            // Up to 3 random coordinates of every tensor (all of the small ones).
            var worst = (0.0, "")
            for e in model.layout.entries {
                let coords = e.count <= 3 ? Array(0..<e.count) : (0..<3).map { _ in pick.nextInt(below: e.count) }
                for k in coords {
                    let p = model.parameters.base + e.offset + k
                    let saved = p.pointee
                    let h = 1e-6
                    p.pointee = saved + h
                    let plus = loss(model, batch)
                    p.pointee = saved - h
                    let minus = loss(model, batch)
                    p.pointee = saved
                    let numeric = (plus - minus) / (2 * h)
                    let analytic = grads[e.offset + k]
                    let diff = abs(numeric - analytic)
                    if diff > 1e-7 + 1e-5 * max(abs(numeric), abs(analytic)) {
                        XCTFail("config \(n) \(describe(config)): \(e.name)[\(k)] analytic \(analytic) numeric \(numeric)")
                        return
                    }
                    if diff > worst.0 { worst = (diff, e.name) }
                }
            }
        }
    }

    func describe(_ c: ModelConfig) -> String {
        "\(c.cell) L=\(c.layers) residual=\(c.residual) pyramid=\(c.pyramid) bi=\(c.bidirectional) attn=\(c.attention) feed=\(c.inputFeeding) "
            + "rev=\(c.reverseSource) ls=\(c.labelSmoothing) drop=\(c.dropout)"
    }

    /// Same seed, same data: bitwise-identical loss and gradients (Float).
    func testSameSeedIsBitwiseIdentical() throws {
        var c = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 11)
        c.embeddingSize = 8; c.hiddenSize = 8; c.bidirectional = true; c.dropout = 0.3
        let batch = Batch(pairs: Self.pairs, reverseSource: false)
        func run() throws -> (Float, [Float]) {
            let model = try Seq2Seq<Float>(config: c)
            model.initialize(seed: 42)
            model.zeroGradients()
            var rng = SplitMix64(seed: 7)
            let r = model.forward(batch, training: true, rng: &rng)
            model.backward()
            return (Float(r.loss), Array(UnsafeBufferPointer(start: model.gradients.base, count: model.layout.count)))
        }
        let (l1, g1) = try run(), (l2, g2) = try run()
        XCTAssertEqual(l1.bitPattern, l2.bitPattern)
        XCTAssertEqual(g1.map(\.bitPattern), g2.map(\.bitPattern))
        XCTAssertTrue(g1.contains { $0 != 0 })
    }
}

/// One model run on batches of changing shape (more short sentences, then
/// fewer long ones) gives the same losses as fresh models: the workspace is
/// regrown by its products S·B, T·B, T·B·S without stale sizes.
final class WorkspaceReuseTests: XCTestCase {
    func testChangingShapesMatchFreshModels() throws {
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 12)
        c.embeddingSize = 6; c.hiddenSize = 8; c.bidirectional = true; c.attention = .concat; c.dropout = 0
        var data = SplitMix64(seed: 5)
        func batch(_ b: Int, _ len: Int) -> Batch {
            Batch(pairs: (0..<b).map { _ in
                ((0..<len).map { _ in Int32(4 + data.nextInt(below: 8)) }, (0..<len).map { _ in Int32(4 + data.nextInt(below: 8)) })
            }, reverseSource: false)
        }
        let batches = [batch(2, 9), batch(9, 2), batch(3, 12), batch(1, 1), batch(12, 3)]
        let shared = try Seq2Seq<Double>(config: c)
        shared.initialize(seed: 1)
        for b in batches {
            var r1 = SplitMix64(seed: 0), r2 = SplitMix64(seed: 0)
            let fresh = try Seq2Seq<Double>(config: c)
            fresh.initialize(seed: 1)
            XCTAssertEqual(shared.forward(b, training: false, rng: &r1).loss, fresh.forward(b, training: false, rng: &r2).loss)
        }
    }
}

/// A batch run in passes (`gradientTokens` = the whole batch's target
/// tokens) accumulates the whole batch's gradient: what
/// TrainingOptions.passTokens relies on.
final class PassAccumulationTests: XCTestCase {
    func testPassesAddUpToTheWholeBatchGradient() throws {
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 12)
        c.embeddingSize = 6; c.hiddenSize = 8; c.layers = 2; c.bidirectional = true
        c.attention = .general; c.inputFeeding = true; c.labelSmoothing = 0.1; c.dropout = 0
        var data = SplitMix64(seed: 6)
        let pairs: [(source: [Int32], target: [Int32])] = (0..<5).map { i in
            ((0..<(2 + i)).map { _ in Int32(4 + data.nextInt(below: 8)) },
             (0..<(5 - i)).map { _ in Int32(4 + data.nextInt(below: 8)) })
        }
        let model = try Seq2Seq<Double>(config: c)
        model.initialize(seed: 2)
        var rng = SplitMix64(seed: 0)
        model.zeroGradients()
        let whole = model.forward(Batch(pairs: pairs, reverseSource: false), training: true, rng: &rng)
        model.backward()
        let expected = Array(UnsafeBufferPointer(start: model.gradients.base, count: model.layout.count))

        model.zeroGradients()
        let parts = [Array(pairs[0..<2]), Array(pairs[2..<3]), Array(pairs[3...])].map { Batch(pairs: $0, reverseSource: false) }
        let tokens = parts.reduce(0) { $0 + $1.targetTokens }
        XCTAssertEqual(tokens, whole.tokens)
        var loss = 0.0
        for part in parts {
            loss += model.forward(part, training: true, rng: &rng, gradientTokens: tokens).loss
            model.backward()
        }
        let summed = Array(UnsafeBufferPointer(start: model.gradients.base, count: model.layout.count))
        XCTAssertEqual(loss, whole.loss, accuracy: 1e-10)
        assertClose(summed, expected, relative: 1e-9, absolute: 1e-12, "passes vs whole batch")
        XCTAssertTrue(expected.contains { $0 != 0 })
    }
}

extension Seq2SeqGradientTests {
    /// The output layer with tied target embeddings (logits = h̃·Embᵀ, E =
    /// H): Emb's gradient gathers the output layer's and the decoder input's,
    /// and ∂h̃ flows back through Emb. Every coordinate of every tensor, for
    /// each cell, with and without attention.
    func testTiedOutputLayerGradientsMatchFiniteDifferences() throws {
        for cell in ModelConfig.Cell.allCases {
            for attention in [ModelConfig.AttentionKind.none, .general] {
                var c = ModelConfig(sourceVocabularySize: 7, targetVocabularySize: 8)
                c.embeddingSize = 4; c.hiddenSize = 4; c.tieTargetEmbeddings = true
                c.cell = cell; c.attention = attention; c.inputFeeding = attention != .none; c.labelSmoothing = 0.1
                let model = try Seq2Seq<Double>(config: c)
                model.initialize(seed: 5, scale: 0.5)
                let batch = Batch(pairs: Self.pairs, reverseSource: false)
                model.zeroGradients()
                var rng = SplitMix64(seed: 99)
                model.forward(batch, training: true, rng: &rng)
                model.backward()
                let analytic = Array(UnsafeBufferPointer(start: model.gradients.base, count: model.layout.count))
                let numeric = GradientCheck.numeric(Array(UnsafeBufferPointer(start: model.parameters.base,
                                                                              count: model.layout.count))) { x in
                    model.parameters.base.update(from: x, count: x.count)
                    return loss(model, batch)
                }
                assertClose(analytic, numeric, relative: 1e-5, absolute: 1e-7, "tied \(cell) \(attention)")
            }
        }
    }
}
