import _S2STestSupport
import Foundation
import S2SCore
import S2SKernels
import S2SModel
import XCTest

/// The step-wise API agrees with the training forward: feeding the gold
/// tokens one step at a time gives the same log-probabilities, so Σ −log p of
/// the targets equals the forward's loss, in every attention kind and cell.
final class InferenceTests: XCTestCase {
    let pairs: [(source: [Int32], target: [Int32])] = [([4, 5, 6, 7], [5, 7, 4]), ([6, 4], [7, 5, 6, 6, 4])]

    func testStepsReproduceTheForwardLoss() throws {
        for cell in ModelConfig.Cell.allCases {
            for attention in ModelConfig.AttentionKind.allCases {
                for (bidirectional, residual, pyramid) in [(false, false, false), (true, false, false), (false, true, false),
                                                           (true, true, false), (false, false, true), (true, false, true)] {
                    var c = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 10)
                    c.embeddingSize = 5; c.hiddenSize = 6; c.layers = residual || pyramid ? 3 : 2; c.cell = cell
                    c.residual = residual; c.pyramid = pyramid
                    c.attention = attention; c.inputFeeding = attention != .none
                    c.bidirectional = bidirectional; c.reverseSource = bidirectional
                    let model = try Seq2Seq<Double>(config: c)
                    model.initialize(seed: 5, scale: 0.5)
                    var rng = SplitMix64(seed: 1)
                    let batch = Batch(pairs: pairs, reverseSource: c.reverseSource)
                    let expected = model.forward(batch, training: false, rng: &rng).nll

                    var (source, state) = model.encode(pairs.map(\.source))
                    var total = 0.0
                    for t in 0..<batch.targetLength {
                        let previous = (0..<2).map { batch.targetInput[t * 2 + $0] }
                        let out = model.step(previous, state: state, source: source)
                        for b in 0..<2 where batch.targetOutput[t * 2 + b] != 0 {
                            total -= out.logProbs[b * 10 + Int(batch.targetOutput[t * 2 + b])]
                        }
                        if attention != .none {
                            for b in 0..<2 {
                                let a = out.attention[(b * source.sourceLength)..<((b + 1) * source.sourceLength)]
                                XCTAssertEqual(a.reduce(0, +), 1, accuracy: 1e-12)
                            }
                        }
                        state = out.state
                    }
                    XCTAssertEqual(total, expected, accuracy: 1e-9, "\(cell) \(attention) bi=\(bidirectional) residual=\(residual) pyramid=\(pyramid)")
                    _ = source
                    source = source.select([0, 1])
                }
            }
        }
    }

    /// A batch larger than the encoder's chunk is encoded in parts; every
    /// sentence's steps match encoding it alone (attention padded to the
    /// batch's longest source), reversed or not, with and without attention.
    func testEncodingInChunksMatchesEncodingAlone() throws {
        var rng = SplitMix64(seed: 17)
        let sources: [[Int32]] = (0..<11).map { i in (0..<(1 + (i * 5) % 9)).map { _ in Int32(4 + rng.next() % 5) } }
        for attention in [ModelConfig.AttentionKind.none, .general, .concat] {
            for (reverse, pyramid) in [(false, false), (true, false), (false, true), (true, true)] {
                var c = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 10)
                c.embeddingSize = 5; c.hiddenSize = 6; c.layers = pyramid ? 3 : 2; c.attention = attention
                c.inputFeeding = attention != .none; c.reverseSource = reverse; c.bidirectional = reverse
                c.pyramid = pyramid
                let model = try Seq2Seq<Double>(config: c)
                model.initialize(seed: 7, scale: 0.5)
                let (source, state) = model.encode(sources)
                let all = model.step([Int32](repeating: 2, count: sources.count), state: state, source: source)
                let S = source.sourceLength
                XCTAssertEqual(S, sources.map(\.count).max()! + 1)
                for (i, sentence) in sources.enumerated() {
                    let (one, oneState) = model.encode([sentence])
                    let alone = model.step([2], state: oneState, source: one)
                    let what = "\(attention) reverse=\(reverse) pyramid=\(pyramid) sentence \(i)"
                    assertClose(Array(all.logProbs[(i * 10)..<((i + 1) * 10)]), alone.logProbs, relative: 1e-12, absolute: 1e-12, what)
                    if attention != .none {
                        let row = Array(all.attention[(i * S)..<((i + 1) * S)])
                        assertClose(Array(row[0..<one.sourceLength]), alone.attention, relative: 1e-12, absolute: 1e-12, what)
                        XCTAssertEqual(row[one.sourceLength...].reduce(0, +), 0, what)
                        XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12, what)
                        if pyramid {
                            // A memory position of 3 layers covers 4 source positions, sharing its weight.
                            for p in 0..<(sentence.count + 1) where p % 4 != 0 { XCTAssertEqual(row[p], row[p - p % 4], what) }
                        }
                    }
                }
            }
        }
    }

    /// Reordering rows (as beam search does) reorders the step's outputs.
    func testSelectReordersRows() throws {
        var c = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 10)
        c.embeddingSize = 5; c.hiddenSize = 6
        let model = try Seq2Seq<Double>(config: c)
        model.initialize(seed: 6, scale: 0.5)
        let (source, state) = model.encode(pairs.map(\.source))
        let straight = model.step([2, 2], state: state, source: source)
        let swapped = model.step([2, 2, 2], state: state.select([1, 0, 1]), source: source.select([1, 0, 1]))
        XCTAssertEqual(Array(swapped.logProbs[0..<10]), Array(straight.logProbs[10..<20]))
        XCTAssertEqual(Array(swapped.logProbs[10..<20]), Array(straight.logProbs[0..<10]))
        XCTAssertEqual(Array(swapped.logProbs[20..<30]), Array(straight.logProbs[10..<20]))
    }

    /// A search's steps share one scratch (their log-probabilities are
    /// written in place): a result the caller still holds keeps its values
    /// through later steps, and a later step from an earlier state gives
    /// what it gave the first time.
    func testHeldResultsSurviveLaterSteps() throws {
        for cell in ModelConfig.Cell.allCases {
            var c = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 10)
            c.embeddingSize = 5; c.hiddenSize = 6; c.cell = cell
            let model = try Seq2Seq<Double>(config: c)
            model.initialize(seed: 7, scale: 0.5)
            let (source, state) = model.encode(pairs.map(\.source))
            let first = model.step([2, 2], state: state, source: source)
            let values = first.logProbs.map { $0 }
            let second = model.step([5, 6], state: first.state, source: source)
            let again = model.step([2, 2], state: state, source: source)
            XCTAssertEqual(first.logProbs, values, "\(cell)")
            XCTAssertEqual(again.logProbs, values, "\(cell)")
            XCTAssertNotEqual(second.logProbs, values, "\(cell)")
            let later = model.step([5, 6], state: again.state, source: source)
            XCTAssertEqual(later.logProbs, second.logProbs, "\(cell)")
        }
    }
}

/// Scheduled sampling's extremes: with gold probability 0 the decoder is fed
/// its own argmax from the previous step, which is exactly greedy decoding
/// through the step API; with probability 1 it is fed the gold tokens.
final class FeedingTests: XCTestCase {
    func testFreeRunningFeedsTheModelsOwnArgmax() throws {
        var c = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 10)
        c.embeddingSize = 5; c.hiddenSize = 6; c.dropout = 0
        let model = try Seq2Seq<Double>(config: c)
        model.initialize(seed: 4, scale: 0.8)
        let pairs: [(source: [Int32], target: [Int32])] = [([4, 5, 6], [5, 7, 4, 8, 9]), ([6, 4], [7, 5, 6, 6, 4])]
        let batch = Batch(pairs: pairs, reverseSource: false)
        var rng = SplitMix64(seed: 1)
        model.forward(batch, training: true, chooser: MixedFeeding(goldProbability: 0), rng: &rng)
        let fed = model.lastFedTokens

        var (source, state) = model.encode(pairs.map(\.source))
        var previous: [Int32] = [2, 2]
        for t in 0..<batch.targetLength {
            XCTAssertEqual([fed[t * 2], fed[t * 2 + 1]], previous, "step \(t)")
            let out = model.step(previous, state: state, source: source)
            previous = (0..<2).map { b in
                let row = out.logProbs[(b * 10)..<((b + 1) * 10)]
                return Int32(row.indices.max { row[$0] < row[$1] }! - b * 10)
            }
            state = out.state
        }
        source = source.select([0, 1])

        model.forward(batch, training: true, chooser: MixedFeeding(goldProbability: 1), rng: &rng)
        XCTAssertEqual(model.lastFedTokens, batch.targetInput)

        // The constant 1.0 schedule is plain teacher forcing: the same loss, bit for bit.
        var r1 = SplitMix64(seed: 3), r2 = SplitMix64(seed: 3)
        let mixed = model.forward(batch, training: true, chooser: MixedFeeding(goldProbability: 1), rng: &r1)
        let plain = model.forward(batch, training: true, chooser: TeacherForcing(), rng: &r2)
        XCTAssertEqual(mixed.loss.bitPattern, plain.loss.bitPattern)
    }
}

/// A restricted output layer (a lexical shortlist): the step's
/// log-probabilities are −∞ outside the candidates and, on them, the
/// whole-vocabulary logits renormalised over the candidates.
final class OutputSubsetTests: XCTestCase {
    func testStepsScoreOnlyTheCandidates() throws {
        for tied in [false, true] {
            var c = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 12)
            c.embeddingSize = 6; c.hiddenSize = 6; c.tieTargetEmbeddings = tied
            let full = try Seq2Seq<Double>(config: c), restricted = try Seq2Seq<Double>(config: c)
            full.initialize(seed: 8, scale: 0.5)
            restricted.initialize(seed: 8, scale: 0.5)
            let candidates: [Int32] = [1, 3, 5, 6, 10]
            final class Asked: @unchecked Sendable { var sources: [[Int32]] = [] }  // one thread here
            let asked = Asked()
            restricted.restrictOutput { sources in
                asked.sources = sources
                return candidates
            }
            let sources: [[Int32]] = [[4, 5, 6], [7, 4]]
            let (fs, start) = full.encode(sources), (rs, rstart) = restricted.encode(sources)
            var (fstate, rstate) = (start, rstart)
            XCTAssertEqual(asked.sources, sources)
            var previous: [Int32] = [2, 2]
            for _ in 0..<3 {
                let a = full.step(previous, state: fstate, source: fs), b = restricted.step(previous, state: rstate, source: rs)
                for r in 0..<2 {
                    let row = Array(a.logProbs[(r * 12)..<((r + 1) * 12)])
                    let m = candidates.map { row[Int($0)] }.max()!
                    let lse = m + Foundation.log(candidates.map { Foundation.exp(row[Int($0)] - m) }.reduce(0, +))
                    for v in 0..<12 {
                        let got = b.logProbs[r * 12 + v]
                        if candidates.contains(Int32(v)) {
                            XCTAssertEqual(got, row[v] - lse, accuracy: 1e-12, "tied \(tied) row \(r) token \(v)")
                        } else {
                            XCTAssertEqual(got, -.infinity, "tied \(tied) row \(r) token \(v)")
                        }
                    }
                }
                XCTAssertEqual(a.attention, b.attention)
                (fstate, rstate) = (a.state, b.state)
                previous = [5, 10]
            }
        }
    }
}

extension OutputSubsetTests {
    /// The same through the packed decoder (float32 and bfloat16 weights).
    func testPackedSubsetMatchesThePlainOne() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "no AVX-512F: decoding uses OpenBLAS")
        var c = ModelConfig(sourceVocabularySize: 9, targetVocabularySize: 70)
        c.embeddingSize = 8; c.hiddenSize = 8
        let candidates: [Int32] = [1, 3] + (10..<50).map(Int32.init)
        for precision in PackedMatrix.Precision.allCases where precision == .float32 || CPUFeatures.current.contains(.bfloat16) {
            let plain = try Seq2Seq<Float>(config: c), packed = try Seq2Seq<Float>(config: c)
            plain.initialize(seed: 9, scale: 0.5)
            packed.initialize(seed: 9, scale: 0.5)
            packed.packForDecoding(precision == .float32 ? .float32 : .bfloat16)
            for m in [plain, packed] { m.restrictOutput { _ in candidates } }
            let (sa, a0) = plain.encode([[4, 5, 6]]), (sb, b0) = packed.encode([[4, 5, 6]])
            let a = plain.step([2], state: a0, source: sa), b = packed.step([2], state: b0, source: sb)
            for v in 0..<70 where !candidates.contains(Int32(v)) { XCTAssertEqual(b.logProbs[v], -.infinity) }
            let tolerance: Float = precision == .float32 ? 1e-4 : 5e-2
            for v in candidates { XCTAssertEqual(a.logProbs[Int(v)], b.logProbs[Int(v)], accuracy: tolerance, "\(precision) \(v)") }
        }
    }
}
