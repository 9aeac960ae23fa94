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
        XCTAssertEqual(CPUFeatures.current.contains(.avx512), cpuHasAVX512F(), "the packed kernel runs exactly where AVX-512F is")
        guard CPUFeatures.current.contains(.avx512) else { return }  // (asserted above: a CPU without AVX-512F)
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

    /// The encoder's U and W packed on each path this CPU runs give the
    /// unpacked encoder's steps: to Float rounding in float32 and OpenBLAS,
    /// within the rounding of bfloat16 (8 significant bits) or int8 (per
    /// row and column scales over 255 levels: ≤ 0.5/127 of the largest
    /// magnitude per operand) otherwise; uni- and bidirectional, LSTM and GRU.
    func testEncoderOnEveryPathMatchesTheUnpackedOne() throws {
        guard CPUFeatures.current.contains(.avx512) else { return }  // (testPackedStepsMatchTheBLASPath asserts when it must be)
        let sources: [[Int32]] = [[4, 5, 6, 7, 8], [6, 4], [9, 10, 4]]
        for (cell, bidirectional) in [(ModelConfig.Cell.lstm, false), (.gru, true)] {
            var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 45)
            c.embeddingSize = 24; c.hiddenSize = 20; c.layers = 2; c.cell = cell; c.bidirectional = bidirectional
            c.attention = .general; c.inputFeeding = true
            let plain = try Seq2Seq<Float>(config: c)
            plain.initialize(seed: 6, scale: 0.5)
            plain.packForDecoding()
            let (sa, stA) = plain.encode(sources)
            let a = plain.step([2, 2, 2], state: stA, source: sa)
            for path in DecodingMatrix.Path.available {
                let packed = try Seq2Seq<Float>(config: c)
                packed.initialize(seed: 6, scale: 0.5)
                packed.packForDecoding()
                packed.packEncoder(recurrent: path, inputs: path)
                XCTAssertEqual(packed.encoderPlan.map(\.path), [path, path])
                let (sb, stB) = packed.encode(sources)
                let b = packed.step([2, 2, 2], state: stB, source: sb)
                let exact = path == .float32 || path == .openblas
                let what = "\(cell) bidirectional=\(bidirectional) \(path.rawValue)"
                assertClose(b.logProbs.map(Double.init), a.logProbs.map(Double.init), relative: exact ? 1e-4 : 0.05,
                            absolute: exact ? 1e-5 : 0.05, what)
                assertClose(b.attention.map(Double.init), a.attention.map(Double.init), relative: exact ? 1e-4 : 0.05,
                            absolute: exact ? 1e-5 : 0.05, what)
                if !exact { XCTAssertNotEqual(b.logProbs, a.logProbs, "\(what): rounds, so some value must differ") }
            }
        }
    }

    /// bfloat16 weights: the same steps as Float to the precision of
    /// bfloat16 (8 significant bits per operand), and the same argmax where
    /// Float's best token leads clearly.
    func testBFloat16StepsStayCloseToFloat() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.bfloat16), "no AVX512_BF16")
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 45)
        c.embeddingSize = 32; c.hiddenSize = 32; c.layers = 2; c.attention = .general; c.inputFeeding = true
        let exact = try Seq2Seq<Float>(config: c), rounded = try Seq2Seq<Float>(config: c)
        exact.initialize(seed: 4, scale: 0.5)
        rounded.initialize(seed: 4, scale: 0.5)
        exact.packForDecoding()
        rounded.packForDecoding(.bfloat16)
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

    /// Decoder layer 0's gates from the embedding come from a per-token
    /// table (emb(y)·W_x + b) where the layer has more input than the
    /// embedding, on every packed path; its rows, filled in blocks on first
    /// use, do not depend on which tokens came first: a step gives the same
    /// log-probabilities, bit for bit, on a model whose table an earlier
    /// search filled in another order. (testPackedStepsMatchTheBLASPath
    /// checks the values against OpenBLAS in every configuration.)
    func testLayerZeroTableIsUsedAndIndependentOfTheOrderOfUse() throws {
        guard CPUFeatures.current.contains(.avx512) else { return }  // (PackedDecodingTests asserts when it must be)
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 300)  // 19 blocks of 16 tokens
        c.embeddingSize = 24; c.hiddenSize = 16; c.layers = 1; c.attention = .general; c.inputFeeding = true
        var packings: [(String, (Seq2Seq<Float>) -> Void)] = [("float32", { $0.packForDecoding() })]
        if CPUFeatures.current.contains(.bfloat16) { packings.append(("bfloat16", { $0.packForDecoding(.bfloat16) })) }
        if CPUFeatures.current.contains(.vnni) { packings.append(("int8", { $0.packForDecoding(.int8(rest: .float32)) })) }
        let sources: [[Int32]] = [[4, 5, 6], [7, 8]]
        for (name, pack) in packings {
            let fresh = try Seq2Seq<Float>(config: c), used = try Seq2Seq<Float>(config: c)
            for m in [fresh, used] { m.initialize(seed: 8, scale: 0.5); pack(m) }
            XCTAssertEqual(Array(fresh.decodingPlan.map(\.name).prefix(2)), ["decoder.l0.W_x (per token)", "decoder.l0.[W_f;U]"], name)
            let (s0, u0) = used.encode(sources)
            let u1 = used.step([250, 131], state: u0, source: s0)
            _ = used.step([9, 290], state: u1.state, source: s0)
            let (sa, a0) = fresh.encode(sources), (sb, b0) = used.encode(sources)
            let previous: [Int32] = [290, 17]
            XCTAssertEqual(fresh.step(previous, state: a0, source: sa).logProbs, used.step(previous, state: b0, source: sb).logProbs,
                           name)
        }
        // A GRU without input feeding has nothing but the embedding in layer 0's W: no table.
        c.cell = .gru; c.inputFeeding = false
        let gru = try Seq2Seq<Float>(config: c)
        gru.packForDecoding()
        XCTAssertEqual(gru.decodingPlan.first?.name, "decoder.l0.W")
    }
}

/// Whether /proc/cpuinfo lists AVX-512F (what the packed kernel needs),
/// read independently of the kernel's own detection.
func cpuHasAVX512F() -> Bool {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
    return info.split(separator: "\n").first { $0.hasPrefix("flags") }?
        .split(separator: " ").contains("avx512f") ?? false
}

/// --precision auto: each product timed on its paths at load, the choice
/// kept per CPU in the cache (S2S_CACHE_DIR), and the steps those choices
/// give equal to the OpenBLAS path's within bfloat16's precision.
final class MeasuredDecodingTests: XCTestCase {
    func testMeasuredPlanIsCachedAndDecodes() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "no AVX-512F: decoding uses OpenBLAS, nothing to choose")
        let cache = TestPaths.temporaryFolder()
        setenv("S2S_CACHE_DIR", cache.path, 1)
        defer { unsetenv("S2S_CACHE_DIR") }
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 300)
        c.embeddingSize = 32; c.hiddenSize = 32; c.layers = 2; c.attention = .general; c.cell = .gru
        let plain = try Seq2Seq<Float>(config: c), measured = try Seq2Seq<Float>(config: c)
        plain.initialize(seed: 5, scale: 0.5)
        measured.initialize(seed: 5, scale: 0.5)
        measured.packForDecoding(.auto, rows: 10)
        let names = measured.decodingPlan.map(\.name)
        XCTAssertEqual(names, ["decoder.l0.W_x (per token)", "decoder.l0.W_f", "decoder.l0.U", "decoder.l1.W", "decoder.l1.U",
                               "attention.W_c", "output"])
        XCTAssertEqual(measured.decodingTimings.count, names.count + 3,
                       "every product, the encoder's U and W and the whole-sequence one timed")
        XCTAssertEqual(measured.encoderPlan.first?.name, "encoder U")
        for (name, timings) in measured.decodingTimings where names.contains(name) {
            let chosen = measured.decodingPlan.first { $0.name == name }!.path
            XCTAssertEqual(chosen, DecodingMatrix.fastest(timings), name)
        }
        let file = cache.appendingPathComponent("decoding-plans.json").path
        let written = try XCTUnwrap(FileManager.default.contents(atPath: file))
        XCTAssertTrue(String(decoding: written, as: UTF8.self).contains(CPUName.identity))
        // A second load reads the cache: the same plan, nothing timed.
        let again = try Seq2Seq<Float>(config: c)
        again.initialize(seed: 5, scale: 0.5)
        again.packForDecoding(.auto, rows: 10)
        XCTAssertTrue(again.decodingTimings.isEmpty)
        XCTAssertEqual(again.decodingPlan.map(\.path), measured.decodingPlan.map(\.path))
        // A corrupt cache is measured anew and rewritten.
        try Data("not json".utf8).write(to: URL(fileURLWithPath: file))
        again.packForDecoding(.auto, rows: 10)
        XCTAssertEqual(again.decodingTimings.count, names.count + 3)
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: try XCTUnwrap(FileManager.default.contents(atPath: file))))
        // The steps.
        let sources: [[Int32]] = [[4, 5, 6, 7], [6, 4]]
        let (sa, a0) = plain.encode(sources), (sb, b0) = measured.encode(sources)
        let a = plain.step([2, 2], state: a0, source: sa), b = measured.step([2, 2], state: b0, source: sb)
        assertClose(b.logProbs.map(Double.init), a.logProbs.map(Double.init), relative: 0.05, absolute: 0.05, "measured plan")
    }
}

/// `DecodingPrecision`: what each needs of the CPU, and the plan it
/// resolves into where the CPU has it.
final class DecodingPrecisionTests: XCTestCase {
    func testEachPrecisionNeedsItsInstructions() {
        XCTAssertEqual(DecodingPrecision.float32.needs, [])
        XCTAssertEqual(DecodingPrecision.auto.needs, [])
        XCTAssertEqual(DecodingPrecision.bfloat16.needs, .bfloat16)
        XCTAssertEqual(DecodingPrecision.int8().needs, .vnni)
        XCTAssertEqual(DecodingPrecision.int8(rest: .bfloat16).needs, [.vnni, .bfloat16])
        XCTAssertEqual(DecodingPrecision.bfloat16.isAvailable, CPUFeatures.current.contains(.bfloat16))
        XCTAssertEqual(DecodingPrecision.int8().isAvailable, CPUFeatures.current.contains(.vnni))
        XCTAssertEqual(DecodingPrecision.int8(rest: .float32).description, "int8")
    }

    func testAFixedPrecisionIsOnePathForEveryProduct() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "no AVX-512F: decoding uses OpenBLAS, no plan")
        var c = ModelConfig(sourceVocabularySize: 12, targetVocabularySize: 40)
        c.embeddingSize = 16; c.hiddenSize = 16; c.layers = 2; c.attention = .general
        let model = try Seq2Seq<Float>(config: c)
        model.initialize(seed: 3)
        let amx = CPUFeatures.current.contains(.amx)
        var cases: [(DecodingPrecision, DecodingMatrix.Path, PackedMatrix.Precision, Bool)] = [(.float32, .float32, .float32, false)]
        if CPUFeatures.current.contains(.bfloat16) { cases.append((.bfloat16, amx ? .amx : .bfloat16, .bfloat16, false)) }
        if CPUFeatures.current.contains(.vnni) { cases.append((.int8(rest: .float32), amx ? .amxInt8 : .int8, .float32, true)) }
        for (precision, path, whole, int8Inputs) in cases {
            model.packForDecoding(precision)
            XCTAssertFalse(model.decodingPlan.isEmpty, "\(precision)")
            XCTAssertTrue(model.decodingPlan.allSatisfy { $0.path == path }, "\(precision): \(model.decodingPlan)")
            XCTAssertEqual(model.encoderPlan.map(\.path), int8Inputs ? [path, path] : [path], "\(precision)")
            XCTAssertEqual(model.wholeSequencePrecision, whole, "\(precision)")
        }
    }
}
