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

    /// bfloat16 weights: the same steps as Float to the precision of
    /// bfloat16 (8 significant bits per operand), and the same argmax where
    /// Float's best token leads clearly.
    func testBFloat16StepsStayCloseToFloat() throws {
        try XCTSkipUnless(PackedMatrix.isBFloat16Available, "no AVX512_BF16")
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 45)
        c.embeddingSize = 32; c.hiddenSize = 32; c.layers = 2; c.attention = .general; c.inputFeeding = true
        let exact = try Seq2Seq<Float>(config: c), rounded = try Seq2Seq<Float>(config: c)
        exact.initialize(seed: 4, scale: 0.5)
        rounded.initialize(seed: 4, scale: 0.5)
        exact.packForDecoding()
        rounded.packForDecoding(precision: .bfloat16)
        XCTAssertEqual(rounded.packedPrecision, .bfloat16)
        let sources: [[Int32]] = [[4, 5, 6, 7, 8], [6, 4], [9, 10, 4]]
        let (sa, stA0) = exact.encode(sources), (sb, stB0) = rounded.encode(sources)
        var stA = stA0, stB = stB0
        var previous: [Int32] = [2, 2, 2]
        var largest = 0.0
        for t in 0..<5 {
            let a = exact.step(previous, state: stA, source: sa), b = rounded.step(previous, state: stB, source: sb)
            XCTAssertNotEqual(a.logProbs, b.logProbs, "bfloat16 rounds: some value must differ")
            for (x, y) in zip(a.logProbs, b.logProbs) { largest = max(largest, abs(Double(x - y))) }
            assertClose(b.attention.map(Double.init), a.attention.map(Double.init), relative: 0.05, absolute: 0.01, "step \(t)")
            for r in 0..<3 {
                let row = Array(a.logProbs[(r * 45)..<((r + 1) * 45)]), other = Array(b.logProbs[(r * 45)..<((r + 1) * 45)])
                let sorted = row.sorted(by: >)
                if sorted[0] - sorted[1] > 0.1 {
                    XCTAssertEqual(other.firstIndex(of: other.max()!), row.firstIndex(of: sorted[0]), "step \(t) row \(r)")
                }
            }
            stA = a.state; stB = b.state
            previous = (0..<3).map { Int32(4 + ($0 + t) % 7) }
        }
        XCTAssertLessThan(largest, 0.05, "log-probabilities within bfloat16's precision")
    }
}

/// Whether /proc/cpuinfo lists AVX-512F (what the packed kernel needs),
/// read independently of the kernel's own detection.
func cpuHasAVX512F() -> Bool {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
    return info.split(separator: "\n").first { $0.hasPrefix("flags") }?
        .split(separator: " ").contains("avx512f") ?? false
}
