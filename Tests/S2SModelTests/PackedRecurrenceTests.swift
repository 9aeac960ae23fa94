import _S2STestSupport
import S2SCore
import S2SKernels
import S2SModel
import XCTest

/// What `packForDecoding` packs (the decoder's weights and the encoder's U)
/// is dropped as soon as the model trains again: a forward in training then
/// sees parameters changed in place, as the optimizer changes them.
final class PackedRecurrenceTests: XCTestCase {
    let pairs: [(source: [Int32], target: [Int32])] = [
        ([4, 5, 6, 7, 8, 9], [5, 7, 4, 6, 9]), ([6, 4], [7, 5, 8]), ([9, 8, 7], [4, 4, 5, 6, 7, 8, 9]),
    ]

    func testTrainingAfterPackingSeesChangedParameters() throws {
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 11)
        c.embeddingSize = 9; c.hiddenSize = 20; c.layers = 2; c.bidirectional = true; c.reverseSource = true
        let a = try Seq2Seq<Float>(config: c), b = try Seq2Seq<Float>(config: c)
        a.initialize(seed: 3, scale: 0.3)
        a.packForDecoding()
        XCTAssertEqual(a.isPackedForDecoding, CPUFeatures.current.contains(.avx512))
        _ = a.encode(pairs.map(\.source))
        for name in ["encoder.l0.fwd.U", "encoder.l1.bwd.U", "decoder.l0.U", "decoder.l1.W", "output.W"] {
            let p = a.parameter(name)
            for k in 0..<a.layout.entry(name)!.count { p[k] *= -1.5 }
        }
        b.parameters.base.update(from: a.parameters.base, count: a.layout.count)
        let batch = Batch(pairs: pairs, reverseSource: true)
        var r1 = SplitMix64(seed: 2), r2 = SplitMix64(seed: 2)
        XCTAssertEqual(a.forward(batch, training: true, rng: &r1).loss, b.forward(batch, training: true, rng: &r2).loss)
        XCTAssertFalse(a.isPackedForDecoding)
        let (sa, stA) = a.encode(pairs.map(\.source)), (sb, stB) = b.encode(pairs.map(\.source))
        XCTAssertEqual(a.step([2, 2, 2], state: stA, source: sa).logProbs, b.step([2, 2, 2], state: stB, source: sb).logProbs)
    }
}
