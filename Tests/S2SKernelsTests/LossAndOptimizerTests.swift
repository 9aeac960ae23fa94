import _S2STestSupport
import S2SCore
import S2SKernels
import XCTest

final class SoftmaxCrossEntropyTests: XCTestCase {
    let (R, V) = (4, 6)
    let targets: [Int32] = [2, 0, 5, 1]  // row 1 is padding

    func testLossValues() {
        let logits: [Double] = [1, 2, 3, 0, 0, 0] + [Double](repeating: 9, count: 6) + [0, 0, 0, 0, 0, 0] + [5, -5, 0, 0, 0, 0]
        let r = SoftmaxCrossEntropy.forwardBackward(dLogits: nil, logits: logits, targets: targets, rows: R, vocab: V)
        let row0 = log(exp(1.0) + exp(2) + exp(3) + 3) - 3
        let row2 = log(6.0)
        let row3 = log(exp(5.0) + exp(-5) + 4) + 5
        XCTAssertEqual(r.nll, row0 + row2 + row3, accuracy: 1e-12)
        XCTAssertEqual(r.loss, r.nll, accuracy: 1e-12)
        XCTAssertEqual(r.tokens, 3)
        XCTAssertEqual(r.correct, 1)  // row 0 (argmax 2 == 2); row 2 ties pick 0; row 3 picks 0
    }

    func testGradientMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 31)
        let logits = rng.uniform(R * V, scale: 3)
        for eps in [0.0, 0.1] {
            func loss(_ z: [Double]) -> Double {
                SoftmaxCrossEntropy.forwardBackward(dLogits: nil, logits: z, targets: targets, rows: R, vocab: V,
                                                    labelSmoothing: eps).loss
            }
            var d = [Double](repeating: 7, count: R * V)
            let r = SoftmaxCrossEntropy.forwardBackward(dLogits: &d, logits: logits, targets: targets, rows: R, vocab: V,
                                                        labelSmoothing: eps, scale: 1)
            // The smoothed loss by its definition: −Σ_k q_k log p_k.
            var direct = 0.0
            for row in 0..<R where targets[row] != 0 {
                let z = Array(logits[(row * V)..<((row + 1) * V)])
                let lse = log(z.map { exp($0) }.reduce(0, +))
                for k in 0..<V {
                    let q = (k == Int(targets[row]) ? 1 - eps : 0) + eps / Double(V)
                    direct -= q * (z[k] - lse)
                }
            }
            XCTAssertEqual(r.loss, direct, accuracy: 1e-12)
            assertClose(d, GradientCheck.numeric(logits, loss), "dLogits eps=\(eps)")
            XCTAssertEqual(Array(d[V..<(2 * V)]), [Double](repeating: 0, count: V), "padding row")
        }
    }

    /// Rows split over threads: the same loss, counts and gradient, bit for
    /// bit, as one thread (Float, with padding rows and label smoothing).
    func testThreadsGiveTheSameResult() {
        var rng = SplitMix64(seed: 32)
        let (rows, vocab) = (100, 300)
        let logits = rng.uniform(rows * vocab, scale: 4).map(Float.init)
        let targets = (0..<rows).map { Int32($0 % 7 == 3 ? 0 : 1 + $0 * 37 % (vocab - 1)) }
        for eps in [0.0, 0.1] {
            var one = [Float](repeating: 0, count: rows * vocab)
            let r1 = SoftmaxCrossEntropy.forwardBackward(dLogits: &one, logits: logits, targets: targets, rows: rows,
                                                         vocab: vocab, labelSmoothing: eps, scale: 0.5, threads: 1)
            XCTAssertEqual(r1.tokens, rows - (rows + 3) / 7)
            for threads in [2, 3] {
                var many = [Float](repeating: 0, count: rows * vocab)
                let r = SoftmaxCrossEntropy.forwardBackward(dLogits: &many, logits: logits, targets: targets, rows: rows,
                                                            vocab: vocab, labelSmoothing: eps, scale: 0.5,
                                                            threads: threads)
                XCTAssertEqual(r, r1, "eps=\(eps) threads=\(threads)")
                XCTAssertEqual(many, one, "eps=\(eps) threads=\(threads)")
                let lossOnly = SoftmaxCrossEntropy.forwardBackward(dLogits: nil, logits: logits, targets: targets,
                                                                   rows: rows, vocab: vocab, labelSmoothing: eps,
                                                                   threads: threads)
                XCTAssertEqual(lossOnly.loss, r1.loss, accuracy: 1e-9 * abs(r1.loss), "loss without the gradient")
            }
        }
    }
}

final class EmbeddingTests: XCTestCase {
    func testGatherAndScatterAdd() {
        let table: [Double] = [0, 0, 1, 2, 3, 4, 5, 6]  // V = 4, E = 2
        let ids: [Int32] = [2, 0, 2, 3]
        var out = [Double](repeating: -1, count: 8)
        Embedding.forward(out: &out, ids: ids, table: table, count: 4, dim: 2)
        XCTAssertEqual(out, [3, 4, 0, 0, 3, 4, 5, 6])
        var dTable = [Double](repeating: 0, count: 8)
        Embedding.backward(dTable: &dTable, dOut: [1, 1, 9, 9, 2, 3, 4, 5], ids: ids, count: 4, dim: 2)
        XCTAssertEqual(dTable, [0, 0, 0, 0, 3, 4, 4, 5], "repeated ids add; padding row gets nothing")
    }
}

final class DropoutClipOptimizerTests: XCTestCase {
    func testDropoutMaskIsSeededAndScaled() {
        let n = 10_000
        let input = [Float](repeating: 2, count: n)
        var out1 = [Float](repeating: 0, count: n), mask1 = out1, out2 = out1, mask2 = out1
        var rng1 = SplitMix64(seed: 5), rng2 = SplitMix64(seed: 5)
        Dropout.forward(out: &out1, mask: &mask1, input: input, count: n, p: 0.2, rng: &rng1)
        Dropout.forward(out: &out2, mask: &mask2, input: input, count: n, p: 0.2, rng: &rng2)
        XCTAssertEqual(mask1, mask2, "same seed, same mask")
        XCTAssertTrue(mask1.allSatisfy { $0 == 0 || $0 == 1.25 })
        let dropped = Double(mask1.filter { $0 == 0 }.count) / Double(n)
        XCTAssertEqual(dropped, 0.2, accuracy: 0.015)  // 3.7 standard deviations
        XCTAssertEqual(out1[0], 2 * mask1[0])
        var dIn = [Float](repeating: 0, count: n)
        Dropout.backward(dIn: &dIn, dOut: [Float](repeating: 1, count: n), mask: mask1, count: n)
        XCTAssertEqual(dIn, mask1)
    }

    /// Split over threads, each part jumping to its own draws: the mask, the
    /// output and the generator's state after it are one thread's.
    func testDropoutThreadsDrawTheSameMask() {
        var skipped = SplitMix64(seed: 9), stepped = SplitMix64(seed: 9)
        skipped.skip(1_000)
        for _ in 0..<1_000 { _ = stepped.next() }
        XCTAssertEqual(skipped, stepped, "skip(n) = n draws")

        let n = 70_001  // 2–4 parts of ≥ 16,384 values, a ragged end
        var rng = SplitMix64(seed: 6)
        let input = rng.uniform(n).map(Float.init)
        func run(_ threads: Int) -> (out: [Float], mask: [Float], back: [Float], rng: SplitMix64) {
            var out = [Float](repeating: 0, count: n), mask = out, back = out
            var g = SplitMix64(seed: 7)
            Dropout.forward(out: &out, mask: &mask, input: input, count: n, p: 0.3, rng: &g, threads: threads)
            Dropout.backward(dIn: &back, dOut: input, mask: mask, count: n, threads: threads)
            return (out, mask, back, g)
        }
        let one = run(1)
        for threads in [2, 3, 4] {
            let many = run(threads)
            XCTAssertEqual(many.mask, one.mask, "threads=\(threads)")
            XCTAssertEqual(many.out, one.out, "threads=\(threads)")
            XCTAssertEqual(many.back, one.back, "threads=\(threads)")
            XCTAssertEqual(many.rng, one.rng, "threads=\(threads)")
        }
    }

    /// The norm of a large buffer split over threads (blocks summed apart,
    /// added in order) and the clipping after it: one thread's values.
    func testClipSplitOverThreadsGivesTheSameValues() {
        var rng = SplitMix64(seed: 8)
        let g0 = rng.uniform(1_000_003).map(Float.init)
        let exact = g0.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        var one = g0
        let norm = GradClip.clip(&one, count: one.count, maxNorm: 10, threads: 1)
        XCTAssertEqual(norm, exact, accuracy: exact * 1e-6)  // Float lanes within a block
        XCTAssertEqual(GradClip.globalNorm(one, count: one.count), 10, accuracy: 1e-4, "clipped to the limit")
        for threads in [2, 3] {
            var many = g0
            XCTAssertEqual(GradClip.clip(&many, count: many.count, maxNorm: 10, threads: threads), norm, "threads=\(threads)")
            XCTAssertEqual(many, one, "threads=\(threads)")
        }
    }

    func testClipByGlobalNorm() {
        var g: [Double] = [3, 4, 0, 12]  // norm 13
        XCTAssertEqual(GradClip.clip(&g, count: 4, maxNorm: 26), 13)
        XCTAssertEqual(g, [3, 4, 0, 12], "under the limit: unchanged")
        XCTAssertEqual(GradClip.clip(&g, count: 4, maxNorm: 6.5), 13)
        assertClose(g, [1.5, 2, 0, 6], "scaled by 6.5/13")
    }

    func testAdamMatchesItsDefinition() {
        var p: [Double] = [1, -2], m: [Double] = [0, 0], v: [Double] = [0, 0]
        let g1: [Double] = [0.5, -1], g2: [Double] = [0.1, 2]
        var g = g1
        Adam.update(params: &p, m: &m, v: &v, grads: &g, count: 2, learningRate: 0.01, step: 1)
        // Step 1: m̂ = g, v̂ = g², so θ moves by lr·g/(|g| + ε) ≈ lr·sign(g).
        assertClose(p, [1 - 0.01 * 0.5 / (0.5 + 1e-8), -2 + 0.01 * 1 / (1 + 1e-8)], relative: 1e-12, "step 1")
        g = g2
        Adam.update(params: &p, m: &m, v: &v, grads: &g, count: 2, learningRate: 0.01, step: 2)
        for k in 0..<2 {
            let mk = 0.9 * (0.1 * g1[k]) + 0.1 * g2[k]
            let vk = 0.999 * (0.001 * g1[k] * g1[k]) + 0.001 * g2[k] * g2[k]
            XCTAssertEqual(m[k], mk, accuracy: 1e-15)
            XCTAssertEqual(v[k], vk, accuracy: 1e-15)
        }
        let mhat = m.map { $0 / (1 - 0.81) }, vhat = v.map { $0 / (1 - 0.999 * 0.999) }
        let expected0 = 1 - 0.01 * 0.5 / (0.5 + 1e-8) - 0.01 * mhat[0] / (vhat[0].squareRoot() + 1e-8)
        XCTAssertEqual(p[0], expected0, accuracy: 1e-12)
    }

    /// The Float (SIMD) Adam agrees with the Double one, tail included, and
    /// can clear the gradients in the same pass.
    func testFloatAdamMatchesDoubleAndZeroesGradients() {
        var rng = SplitMix64(seed: 12)
        let n = 37
        let p0 = rng.uniform(n), g0 = rng.uniform(n)
        var pd = p0, md = [Double](repeating: 0.01, count: n), vd = [Double](repeating: 0.02, count: n), gd = g0
        var pf = p0.map(Float.init), mf = md.map(Float.init), vf = vd.map(Float.init), gf = g0.map(Float.init)
        Adam.update(params: &pd, m: &md, v: &vd, grads: &gd, count: n, learningRate: 0.01, step: 3)
        Adam.update(params: &pf, m: &mf, v: &vf, grads: &gf, count: n, learningRate: 0.01, step: 3, zeroGradients: true)
        assertClose(pf.map(Double.init), pd, relative: 1e-6, absolute: 1e-7, "params")
        assertClose(vf.map(Double.init), vd, relative: 1e-6, absolute: 1e-9, "v")
        XCTAssertEqual(gf, [Float](repeating: 0, count: n))
        XCTAssertEqual(gd, g0, "gradients kept unless asked")
    }

    func testFloatNormAndSoftmaxHelpersMatchDouble() {
        var rng = SplitMix64(seed: 13)
        let x = rng.uniform(10_007).map(Float.init)
        let exact = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        XCTAssertEqual(GradClip.globalNorm(x, count: x.count), exact, accuracy: exact * 1e-6)
        let (m, i) = VectorFloat.maxAndArgmax(x, count: x.count)
        XCTAssertEqual(m, x.max())
        XCTAssertEqual(i, x.firstIndex(of: x.max()!))
        XCTAssertEqual(VectorFloat.sum(x, count: x.count), x.reduce(0.0) { $0 + Double($1) }, accuracy: 1e-3)
    }

    func testSGD() {
        var p: [Double] = [1, 2]
        SGD.update(params: &p, grads: [0.5, -1], count: 2, learningRate: 0.1)
        assertClose(p, [0.95, 2.1], "θ − lr·g")
    }
}
