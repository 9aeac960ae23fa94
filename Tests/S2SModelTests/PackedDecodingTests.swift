import _S2STestSupport
import S2SCore
import S2SKernels
import S2SModel
import XCTest

/// Decoding over the packed weights (the decoder's, and the encoder's U)
/// gives the log-probabilities, attention and states of the OpenBLAS path (to
/// Float rounding), in every cell, attention kind, uni- and bidirectional,
/// with and without input feeding and tied embeddings, over several steps
/// and a beam-style reordering of rows.
final class PackedDecodingTests: XCTestCase {
    func testPackedStepsMatchTheBLASPath() throws {
        XCTAssertEqual(PackedMatrix.isAvailable, cpuHasAVX512F(), "the packed kernel runs exactly where AVX-512F is")
        guard PackedMatrix.isAvailable else { return }  // (asserted above: a CPU without AVX-512F)
        let sources: [[Int32]] = [[4, 5, 6, 7, 8], [6, 4], [9, 10, 4]]
        for cell in ModelConfig.Cell.allCases {
            for attention in ModelConfig.AttentionKind.allCases {
                for tied in [false, true] {
                    var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 45)
                    c.embeddingSize = 20; c.hiddenSize = 20; c.layers = 2; c.cell = cell
                    c.bidirectional = tied; c.reverseSource = tied  // both encoder shapes
                    c.attention = attention; c.inputFeeding = attention != .none && !tied
                    c.tieTargetEmbeddings = tied
                    let plain = try Seq2Seq<Float>(config: c), packed = try Seq2Seq<Float>(config: c)
                    plain.initialize(seed: 3, scale: 0.5)
                    packed.initialize(seed: 3, scale: 0.5)
                    packed.packForDecoding()
                    XCTAssertTrue(packed.isPackedForDecoding)
                    var (sa, stA) = plain.encode(sources)
                    var (sb, stB) = packed.encode(sources)
                    var previous: [Int32] = [2, 2, 2]
                    for t in 0..<4 {
                        let a = plain.step(previous, state: stA, source: sa)
                        let b = packed.step(previous, state: stB, source: sb)
                        let what = "\(cell) \(attention) tied=\(tied) step \(t)"
                        assertClose(b.logProbs.map(Double.init), a.logProbs.map(Double.init), relative: 1e-4, absolute: 1e-5, what)
                        assertClose(b.attention.map(Double.init), a.attention.map(Double.init), relative: 1e-4, absolute: 1e-5, what)
                        // Beam-style: keep row 0 twice and row 2, drop row 1.
                        let rows = t == 1 ? [0, 0, 2] : [0, 1, 2]
                        stA = a.state.select(rows); sa = sa.select(rows)
                        stB = b.state.select(rows); sb = sb.select(rows)
                        previous = rows.map { r in Int32(4 + (r + t) % 7) }
                    }
                }
            }
        }
    }

    private func cpuHasAVX512F() -> Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return info.split(separator: "\n").first { $0.hasPrefix("flags") }?
            .split(separator: " ").contains("avx512f") ?? false
    }
}
