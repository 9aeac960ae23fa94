import _S2STestSupport
import S2SCore
import S2SKernels
import XCTest

/// The Float SIMD paths against libm in Double, over the whole useful range
/// (including lengths that leave a tail of < 16 values).
final class VectorMathTests: XCTestCase {
    func values() -> [Float] {
        var rng = SplitMix64(seed: 8)
        return (0..<10_007).map { k in k < 7 ? [-200, -88, -30, 0, 1e-8, 30, 200][k] : Float(rng.nextDouble() * 60 - 30) }
    }

    func testExpRelativeErrorBelow3e7() {
        var x = values()
        let expected = x.map { Foundation.exp(Double($0)) }
        x.withUnsafeMutableBufferPointer { Float.expInPlace($0.baseAddress!, count: $0.count) }
        for (k, (got, want)) in zip(x, expected).enumerated() {
            if want < 1e-37 || want > 3e38 { continue }  // outside Float's normal range: clamped
            XCTAssertLessThan(abs(Double(got) - want) / want, 3e-7, "exp(\(values()[k]))")
        }
    }

    func testSigmoidAndTanhAbsoluteErrorBelow3e7() {
        var s = values(), t = values()
        s.withUnsafeMutableBufferPointer { Float.sigmoidInPlace($0.baseAddress!, count: $0.count) }
        t.withUnsafeMutableBufferPointer { Float.tanhInPlace($0.baseAddress!, count: $0.count) }
        for (k, x) in values().enumerated() {
            XCTAssertEqual(Double(s[k]), 1 / (1 + Foundation.exp(-Double(x))), accuracy: 3e-7, "σ(\(x))")
            XCTAssertEqual(Double(t[k]), Foundation.tanh(Double(x)), accuracy: 3e-7, "tanh(\(x))")
        }
    }

    func testDotMatchesNaiveSum() {
        var rng = SplitMix64(seed: 9)
        for n in [0, 1, 15, 16, 17, 513] {
            let a = rng.uniform(n).map(Float.init), b = rng.uniform(n).map(Float.init)
            let want = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(Double(Float.dot(a, b, count: n)), want, accuracy: 1e-5, "n=\(n)")
        }
    }

    /// Σ e^(x − shift) against libm in Double, tails of every length.
    func testSumExpMatchesLibm() {
        var rng = SplitMix64(seed: 11)
        for n in [1, 2, 15, 16, 17, 31, 33, 8_000] {
            let x = rng.uniform(n, scale: 20).map(Float.init)
            let shift = x.max()!
            let want = x.reduce(0.0) { $0 + Foundation.exp(Double($1) - Double(shift)) }
            XCTAssertEqual(VectorFloat.sumExp(x, shift: shift, count: n), want, accuracy: want * 1e-6, "n=\(n)")
        }
    }

    /// The Float LSTM cell (SIMD activations) agrees with the Double one.
    func testFloatLSTMCellMatchesDouble() {
        var rng = SplitMix64(seed: 10)
        let (B, H) = (3, 37)
        let gates = rng.uniform(B * 4 * H, scale: 4), hPrev = rng.uniform(B * H), cPrev = rng.uniform(B * H)
        var gd = gates, hd = [Double](repeating: 0, count: B * H), cd = hd, td = hd
        LSTMCell.forward(h: &hd, c: &cd, tanhC: &td, gates: &gd, hPrev: hPrev, cPrev: cPrev, mask: nil,
                         batch: B, hidden: H)
        var gf = gates.map(Float.init), hf = [Float](repeating: 0, count: B * H), cf = hf, tf = hf
        LSTMCell.forward(h: &hf, c: &cf, tanhC: &tf, gates: &gf, hPrev: hPrev.map(Float.init),
                         cPrev: cPrev.map(Float.init), mask: nil, batch: B, hidden: H)
        assertClose(hf.map(Double.init), hd, relative: 0, absolute: 2e-6, "h")
        assertClose(cf.map(Double.init), cd, relative: 0, absolute: 2e-6, "c")
    }
}

/// vector_math.c's AVX-512 kernels against the portable Swift versions they
/// replace: the same bits on the same inputs (specials, tails of every
/// length below 16, long rows).
final class VectorKernelTests: XCTestCase {
    func inputs(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 1e-40, -1e-40, 100, -100, 88.7, -87.3, 89, -88]
        return (0..<n).map { k in k % 37 == 5 ? specials[(k / 37) % specials.count] : Float(rng.nextDouble() * 40 - 20) }
    }
    static let lengths = [0, 1, 2, 15, 16, 17, 31, 33, 100, 513, 5_196]

    func requireAVX512() throws {
        try XCTSkipUnless(VectorFloat.usesAVX512, "this CPU has no AVX512F: only the portable kernels run")
    }

    func assertSameBits(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        for k in a.indices where !(a[k].isNaN && b[k].isNaN) && a[k].bitPattern != b[k].bitPattern {
            XCTFail("\(what)[\(k)]: \(a[k]) against \(b[k])", file: file, line: line)
            return
        }
    }

    func testElementwiseMatchPortable() throws {
        try requireAVX512()
        for n in Self.lengths {
            let x = inputs(n, seed: UInt64(n))
            for (name, fast, portable) in [
                ("exp", VectorFloat.exp, VectorFloat.Portable.exp),
                ("sigmoid", VectorFloat.sigmoid, VectorFloat.Portable.sigmoid),
                ("tanh", VectorFloat.tanh, VectorFloat.Portable.tanh),
            ] as [(String, (UnsafeMutablePointer<Float>, Int) -> Void, (UnsafeMutablePointer<Float>, Int) -> Void)] {
                var a = x, b = x
                a.withUnsafeMutableBufferPointer { fast($0.baseAddress!, n) }
                b.withUnsafeMutableBufferPointer { portable($0.baseAddress!, n) }
                assertSameBits(a, b, "\(name) n=\(n)")
                // The values past the end are never written.
                var guarded = x + [42], out = x + [42]
                guarded.withUnsafeMutableBufferPointer { fast($0.baseAddress!, n) }
                out.withUnsafeMutableBufferPointer { portable($0.baseAddress!, n) }
                XCTAssertEqual(guarded.last, 42, "\(name) n=\(n) wrote past the end")
            }
        }
    }

    /// The fused LSTM forward (lstm_cell.c) gives the unfused path's bits:
    /// the portable σ and tanh and the cell's equations in Float, for widths
    /// that leave tails, 1 and 2 threads (unit ranges), a padded row.
    func testFusedLSTMForwardMatchesTheUnfusedPath() throws {
        try requireAVX512()
        for (B, H) in [(1, 1), (3, 17), (5, 48), (2, 512)] {
            let gates = inputs(B * 4 * H, seed: UInt64(300 + H)).map { $0.isNaN ? 1.5 : $0 }
            let hPrev = inputs(B * H, seed: UInt64(400 + H)), cPrev = inputs(B * H, seed: UInt64(500 + H)).map { $0 / 7 }
            let mask: [Float] = (0..<B).map { $0 == 1 ? 0 : 1 }
            // The unfused path, written out.
            var g = gates, h = [Float](repeating: 0, count: B * H), c = h, tc = h
            for b in 0..<B {
                let row = b * H, o = b * 4 * H
                if mask[b] == 0 {
                    for j in 0..<H { h[row + j] = hPrev[row + j]; c[row + j] = cPrev[row + j]; tc[row + j] = cPrev[row + j] }
                    tc.withUnsafeMutableBufferPointer { VectorFloat.Portable.tanh($0.baseAddress! + row, count: H) }
                    for q in 0..<4 * H { g[o + q] = 0 }
                    continue
                }
                g.withUnsafeMutableBufferPointer { p in
                    VectorFloat.Portable.sigmoid(p.baseAddress! + o, count: 2 * H)
                    VectorFloat.Portable.tanh(p.baseAddress! + o + 2 * H, count: H)
                    VectorFloat.Portable.sigmoid(p.baseAddress! + o + 3 * H, count: H)
                }
                for j in 0..<H {
                    c[row + j] = g[o + H + j] * cPrev[row + j] + g[o + j] * g[o + 2 * H + j]
                    tc[row + j] = c[row + j]
                }
                tc.withUnsafeMutableBufferPointer { VectorFloat.Portable.tanh($0.baseAddress! + row, count: H) }
                for j in 0..<H { h[row + j] = g[o + 3 * H + j] * tc[row + j] }
            }
            for threads in [1, 2] {
                var fg = gates, fh = [Float](repeating: 0, count: B * H), fc = fh, ftc = fh
                LSTMCell.forward(h: &fh, c: &fc, tanhC: &ftc, gates: &fg, hPrev: hPrev, cPrev: cPrev, mask: mask,
                                 batch: B, hidden: H, threads: threads)
                for (name, got, want) in [("h", fh, h), ("c", fc, c), ("tanh c", ftc, tc), ("gates", fg, g)] {
                    assertSameBits(got, want, "LSTM \(name) B=\(B) H=\(H) threads=\(threads)")
                }
            }
        }
    }

    func testReductionsMatchPortable() throws {
        try requireAVX512()
        for n in Self.lengths {
            // Finite values: a NaN would make every sum NaN and hide a difference.
            let x = inputs(n, seed: UInt64(100 + n)).map { $0.isFinite ? $0 : 0.5 }
            let y = inputs(n, seed: UInt64(200 + n)).map { $0.isFinite ? $0 : -0.25 }
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeBufferPointer { yp in
                    let a = xp.baseAddress!, b = yp.baseAddress!
                    XCTAssertEqual(VectorFloat.dot(a, b, count: n).bitPattern,
                                   VectorFloat.Portable.dot(a, b, count: n).bitPattern, "dot n=\(n)")
                    XCTAssertEqual(VectorFloat.sum(a, count: n).bitPattern,
                                   VectorFloat.Portable.sum(a, count: n).bitPattern, "sum n=\(n)")
                    XCTAssertEqual(VectorFloat.sumOfSquaresBlock(a, count: n).bitPattern,
                                   VectorFloat.Portable.sumOfSquaresBlock(a, count: n).bitPattern, "Σx² n=\(n)")
                    guard n > 0 else { return }
                    let shift = x.max()!
                    XCTAssertEqual(VectorFloat.sumExp(a, shift: shift, count: n).bitPattern,
                                   VectorFloat.Portable.sumExp(a, shift: shift, count: n).bitPattern, "Σexp n=\(n)")
                    let (m, i) = VectorFloat.maxAndArgmax(a, count: n), (pm, pi) = VectorFloat.Portable.maxAndArgmax(a, count: n)
                    XCTAssertEqual(m.bitPattern, pm.bitPattern, "max n=\(n)")
                    XCTAssertEqual(i, pi, "argmax n=\(n)")
                }
            }
        }
    }

    func testMaxAndArgmaxOfTiesInfinitiesAndNaN() throws {
        try requireAVX512()
        let ties = [Float](repeating: 1, count: 40)                                            // ties: the first
        let lateTies: [Float] = (0..<40).map { (k: Int) -> Float in k == 33 || k == 38 ? 9 : Float(k % 7) }
        let infinities = [Float](repeating: -.infinity, count: 18)
        let nans = [Float](repeating: .nan, count: 40)
        let nanInside: [Float] = (0..<40).map { (k: Int) -> Float in k == 3 ? .nan : Float(k) }
        let nanFirst: [Float] = (0..<20).map { (k: Int) -> Float in k == 0 ? .nan : Float(k) }
        for row in [ties, lateTies, infinities, nans, nanInside, nanFirst] {
            let (m, i) = VectorFloat.maxAndArgmax(row, count: row.count)
            let (pm, pi) = VectorFloat.Portable.maxAndArgmax(row, count: row.count)
            XCTAssertTrue(m.bitPattern == pm.bitPattern || (m.isNaN && pm.isNaN), "\(row)")
            XCTAssertEqual(i, pi, "\(row)")
        }
    }

    /// The one argmax (`Real.maxAndArgmax`): Float (the vector kernel) and
    /// Double (a loop) give the naive loop's first index of the maximum, on
    /// ties, late ties, infinities, signed zeros and random rows of every
    /// length.
    func testGenericArgmaxIsTheFirstIndexOfTheMaximum() {
        var rows: [[Float]] = [[Float](repeating: 1, count: 40), [-0.0, 0, -0.0], [0, -0.0, 0, 0],
                               (0..<40).map { $0 == 33 || $0 == 38 ? 9 : Float($0 % 7) },
                               [Float](repeating: -.infinity, count: 18), [3, .infinity, 2, .infinity], [7]]
        rows += Self.lengths.filter { $0 > 0 }.map { n in inputs(n, seed: UInt64(300 + n)).map { $0.isNaN ? 1 : $0 } }
        for row in rows {
            var first = 0
            for k in 1..<row.count where row[k] > row[first] { first = k }
            let (m, i) = Float.maxAndArgmax(row, count: row.count)
            let wide = row.map(Double.init)
            let (md, id) = Double.maxAndArgmax(wide, count: wide.count)
            XCTAssertEqual(i, first, "Float, n=\(row.count)")
            XCTAssertEqual(id, first, "Double, n=\(row.count)")
            XCTAssertEqual(m, row[first], "Float max, n=\(row.count)")
            XCTAssertEqual(md, wide[first], "Double max, n=\(row.count)")
        }
        XCTAssertEqual(Float.maxAndArgmax([Float](repeating: .nan, count: 20), count: 20).1, 0, "a row of NaNs")
    }

    func testWeightedSumMatchesPortable() throws {
        try requireAVX512()
        var rng = SplitMix64(seed: 12)
        for (n, d) in [(0, 16), (1, 1), (3, 15), (7, 128), (9, 130), (31, 512), (5, 1000)] {
            let w = rng.uniform(n).map(Float.init), rows = rng.uniform(n * d, scale: 3).map(Float.init)
            var a = [Float](repeating: 7, count: d + 1), b = a
            a.withUnsafeMutableBufferPointer { VectorFloat.weightedSum($0.baseAddress!, weights: w, rows: rows, count: n, dim: d) }
            b.withUnsafeMutableBufferPointer { VectorFloat.Portable.weightedSum($0.baseAddress!, weights: w, rows: rows, count: n, dim: d) }
            assertSameBits(a, b, "n=\(n) d=\(d)")
            XCTAssertEqual(a[d], 7, "wrote past the end")
        }
    }

    /// The k best of rows with ties, −∞ (a shortlist's row), NaN and
    /// skipped tokens, the same as the portable scan (tokens and values).
    func testTopKMatchesPortable() throws {
        try requireAVX512()
        var rng = SplitMix64(seed: 13)
        var rows: [[Float]] = []
        rows.append((0..<5_196).map { _ in Float(rng.nextDouble() * 10 - 20) })
        rows.append((0..<5_196).map { (k: Int) -> Float in k % 97 == 0 ? Float(rng.nextDouble()) : -.infinity })
        rows.append((0..<300).map { (k: Int) -> Float in Float(k % 5) })                     // many ties
        rows.append((0..<70).map { (k: Int) -> Float in k % 11 == 0 ? .nan : Float(k % 13) })
        rows.append([Float](repeating: -.infinity, count: 40))
        rows.append([3, 1, 2])                                                               // fewer than k
        rows.append((0..<33).map { (k: Int) -> Float in Float(-k) })                         // descending
        rows.append((0..<33).map { (k: Int) -> Float in Float(k) })                          // ascending
        for row in rows {
            for (k, skip) in [(1, [Int32]()), (5, [0, 2]), (5, [0, 2, 3]), (10, [1]), (64, [0, 2, 3])] {
                var t = [Int32](repeating: -1, count: k), v = [Float](repeating: 0, count: k)
                var pt = t, pv = v
                let n = VectorFloat.topK(row, count: row.count, k: k, skip: skip, tokens: &t, values: &v)
                let pn = VectorFloat.Portable.topK(row, count: row.count, k: k, skip: skip, tokens: &pt, values: &pv)
                XCTAssertEqual(n, pn, "k=\(k) skip=\(skip) count=\(row.count)")
                XCTAssertEqual(Array(t.prefix(n)), Array(pt.prefix(pn)), "k=\(k) skip=\(skip) count=\(row.count)")
                assertSameBits(Array(v.prefix(n)), Array(pv.prefix(pn)), "k=\(k) skip=\(skip)")
                XCTAssertFalse(t.prefix(n).contains { skip.contains($0) }, "a skipped token chosen")
            }
        }
    }

    /// The portable scan itself against sorting: the k best finite values, best first, lower index on ties.
    func testPortableTopKIsTheSortedPrefix() {
        var rng = SplitMix64(seed: 14)
        let row = (0..<1_000).map { _ in Float(Int(rng.nextDouble() * 50)) }
        let skip: [Int32] = [0, 2, 3]
        var t = [Int32](repeating: 0, count: 7), v = [Float](repeating: 0, count: 7)
        let n = VectorFloat.Portable.topK(row, count: row.count, k: 7, skip: skip, tokens: &t, values: &v)
        let want = row.indices.filter { !skip.contains(Int32($0)) }
            .sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }.prefix(7)
        XCTAssertEqual(n, 7)
        XCTAssertEqual(t.map(Int.init), Array(want))
        XCTAssertEqual(v, want.map { row[$0] })
    }
}

final class BLASRuntimeTests: XCTestCase {
    func testPicksAnOptimizedKernelOnlyForAGenericFallback() {
        let avx512: Set<String> = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl"]
        XCTAssertEqual(BLASRuntime.betterCoreType(flags: avx512, current: "Prescott"), "SkylakeX")
        XCTAssertEqual(BLASRuntime.betterCoreType(flags: avx512.union(["avx512_bf16"]), current: "Prescott"), "Cooperlake")
        XCTAssertEqual(BLASRuntime.betterCoreType(flags: ["avx2", "fma"], current: "Prescott"), "Haswell")
        XCTAssertNil(BLASRuntime.betterCoreType(flags: ["sse3"], current: "Prescott"))
        XCTAssertNil(BLASRuntime.betterCoreType(flags: avx512, current: "SkylakeX"), "a real detection is kept")
        // AVX2 kernels on an AVX-512 CPU (OpenBLAS 0.3.21 on AMD Zen 5).
        XCTAssertEqual(BLASRuntime.betterCoreType(flags: avx512.union(["avx512_bf16"]), current: "Haswell"), "Cooperlake")
        XCTAssertEqual(BLASRuntime.betterCoreType(flags: avx512, current: "Zen"), "SkylakeX")
        XCTAssertNil(BLASRuntime.betterCoreType(flags: ["avx2", "fma"], current: "Haswell"), "AVX2 kernels on an AVX2 CPU are kept")
        XCTAssertFalse(BLASRuntime.coreName.isEmpty)
    }
}

final class NonFiniteTests: XCTestCase {
    /// A diverged model's NaN logits give a NaN loss (which the trainer
    /// catches), never a crash.
    func testNaNLogitsGiveANaNLoss() {
        let logits = [Float](repeating: .nan, count: 40)
        var d = [Float](repeating: 0, count: 40)
        let r = SoftmaxCrossEntropy.forwardBackward(dLogits: &d, logits: logits, targets: [5, 7], rows: 2, vocab: 20)
        XCTAssertTrue(r.loss.isNaN)
        XCTAssertEqual(VectorFloat.maxAndArgmax(logits, count: 40).1, 0)
    }
}
