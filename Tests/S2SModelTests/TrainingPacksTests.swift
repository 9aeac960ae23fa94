import _S2STestSupport
import S2SCore
import S2SKernels
import S2SModel
import XCTest

/// Training through the packed per-step weights (`TrainingPacks`: U, Uᵀ, the
/// decoder's per-step rows of W and their transpose, W_c and W_cᵀ) gives the
/// loss and every gradient of the all-OpenBLAS path, to Float rounding, in
/// every cell, attention kind and encoder shape, with input feeding on and
/// off, under teacher forcing and free running; and the packs follow the
/// parameters when an optimizer changes them in place.
final class TrainingPacksTests: XCTestCase {
    let pairs: [(source: [Int32], target: [Int32])] = [
        ([4, 5, 6, 7, 8, 9], [5, 7, 4, 6, 9]), ([6, 4], [7, 5, 8]), ([9, 8, 7], [4, 4, 5, 6, 7, 8, 9]),
    ]

    func models(_ c: ModelConfig, seed: UInt64) throws -> (packed: Seq2Seq<Float>, plain: Seq2Seq<Float>) {
        let packed = try Seq2Seq<Float>(config: c), plain = try Seq2Seq<Float>(config: c)
        packed.initialize(seed: seed, scale: 0.4)
        plain.initialize(seed: seed, scale: 0.4)
        plain.packsTrainingWeights = false
        return (packed, plain)
    }

    /// Loss and gradients of one training forward and backward, both ways.
    func assertSameStep(_ packed: Seq2Seq<Float>, _ plain: Seq2Seq<Float>, chooser: InputChooser, _ what: String,
                        file: StaticString = #filePath, line: UInt = #line) {
        let batch = Batch(pairs: pairs, reverseSource: packed.config.reverseSource)
        var r1 = SplitMix64(seed: 5), r2 = SplitMix64(seed: 5)
        packed.zeroGradients(); plain.zeroGradients()
        let a = packed.forward(batch, training: true, chooser: chooser, rng: &r1)
        let b = plain.forward(batch, training: true, chooser: chooser, rng: &r2)
        XCTAssertEqual(a.loss, b.loss, accuracy: 1e-5 * abs(b.loss), what, file: file, line: line)
        packed.backward(); plain.backward()
        let n = packed.layout.count
        assertClose(Array(UnsafeBufferPointer(start: packed.gradients.base, count: n)),
                    Array(UnsafeBufferPointer(start: plain.gradients.base, count: n)),
                    relative: 1e-4, absolute: 1e-6, what, file: file, line: line)
    }

    func testPackedTrainingMatchesTheBLASPath() throws {
        XCTAssertEqual(CPUFeatures.current.contains(.avx512), cpuHasAVX512F(), "the packed kernel runs exactly where AVX-512F is")
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "the packed kernel needs AVX-512F, which this CPU lacks")
        for cell in ModelConfig.Cell.allCases {
            for attention in ModelConfig.AttentionKind.allCases {
                for variant in 0..<3 {
                    // 0: two bidirectional layers; 1: one layer, reversed source; 2: a residual or pyramid stack.
                    var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 11)
                    c.embeddingSize = 9; c.hiddenSize = 20; c.cell = cell; c.attention = attention
                    c.layers = [2, 1, 3][variant]
                    c.bidirectional = variant == 0; c.reverseSource = variant == 1
                    c.pyramid = variant == 2 && cell != .gru; c.residual = variant == 2 && cell == .gru
                    c.inputFeeding = attention != .none && variant == 0
                    c.dropout = 0.2
                    let (packed, plain) = try models(c, seed: 7)
                    let what = "\(cell) \(attention) variant \(variant)"
                    assertSameStep(packed, plain, chooser: TeacherForcing(), what + " teacher forcing")
                    assertSameStep(packed, plain, chooser: MixedFeeding(goldProbability: 0.5), what + " mixed feeding")
                }
            }
        }
    }

    /// Tied target embeddings: ∂x of the output layer goes through the packed
    /// embedding table instead of the packed W_oᵀ.
    func testPackedTrainingWithTiedEmbeddingsMatchesTheBLASPath() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "the packed kernel needs AVX-512F, which this CPU lacks")
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 11)
        c.embeddingSize = 20; c.hiddenSize = 20; c.layers = 2; c.inputFeeding = true
        c.tieTargetEmbeddings = true; c.dropout = 0.2
        let (packed, plain) = try models(c, seed: 9)
        assertSameStep(packed, plain, chooser: TeacherForcing(), "tied, teacher forcing")
        assertSameStep(packed, plain, chooser: MixedFeeding(goldProbability: 0.5), "tied, mixed feeding")
    }

    /// An update in place between steps (as Adam makes), then a training
    /// step, a validation forward, and encode + step for validation BLEU:
    /// each sees the new parameters.
    func testPacksFollowTheParameters() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "the packed kernel needs AVX-512F, which this CPU lacks")
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 11)
        c.embeddingSize = 9; c.hiddenSize = 20; c.layers = 2; c.inputFeeding = true
        let (packed, plain) = try models(c, seed: 8)
        assertSameStep(packed, plain, chooser: TeacherForcing(), "before the update")
        for model in [packed, plain] {
            let n = model.layout.count
            let m = Arena<Float>(capacity: n), v = Arena<Float>(capacity: n)
            Adam.update(params: model.parameters.base, m: m.base, v: v.base, grads: model.gradients.base, count: n,
                        learningRate: 0.05, step: 1, zeroGradients: true)
        }
        var r1 = SplitMix64(seed: 1), r2 = SplitMix64(seed: 1)
        let batch = Batch(pairs: pairs, reverseSource: false)
        let a = packed.forward(batch, training: false, rng: &r1).loss, b = plain.forward(batch, training: false, rng: &r2).loss
        XCTAssertEqual(a, b, accuracy: 1e-5 * abs(b), "validation forward after the update")
        assertSameStep(packed, plain, chooser: TeacherForcing(), "after the update")
        let (sa, stA) = packed.encode(pairs.map(\.source)), (sb, stB) = plain.encode(pairs.map(\.source))
        assertClose(packed.step([2, 2, 2], state: stA, source: sa).logProbs,
                    plain.step([2, 2, 2], state: stB, source: sb).logProbs, relative: 1e-4, absolute: 1e-5,
                    "encode and step after the update")
    }
}
