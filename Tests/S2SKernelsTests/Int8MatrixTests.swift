import _S2STestSupport
import CKernels
import S2SCore
import S2SKernels
import XCTest

/// The int8 decoding product against the naive float reference, within the
/// bound its two roundings allow: a = s_a·q_a + e_a with |e_a| ≤ s_a/2 (s_a
/// = max|row|/127), b likewise per column, so |ab − a'b'| ≤ |a|·s_b/2 +
/// (|b| + s_b/2)·s_a/2 per term (the int32 sums are exact; the float
/// scaling adds a few ulps).
final class Int8MatrixTests: XCTestCase {
    func testMatchesTheReferenceWithinTheQuantisationBound() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.vnni), "no AVX512-VNNI: --precision int8 is refused (TranslateCommandTests)")
        var rng = SplitMix64(seed: 61)
        // On AVX512-VNNI, and on AMX tiles where the CPU has them.
        for tiles in [false] + (CPUFeatures.current.contains(.amx) ? [true] : []) {
        for (m, n, k1, k2) in [(1, 1, 1, 0), (5, 31, 7, 6), (9, 33, 3, 4), (17, 100, 20, 9), (3, 70, 64, 64)] {
            let depth = k1 + k2
            let w1 = rng.uniform(k1 * n).map(Float.init), w2 = rng.uniform(k2 * n).map(Float.init)
            let a = rng.uniform(m * depth).map { Float($0) * 3 }, c0 = rng.uniform(m * n).map(Float.init)
            let matrix = w1.withUnsafeBufferPointer { p1 in
                w2.withUnsafeBufferPointer { p2 in
                    Int8Matrix(stacking: k2 == 0 ? [(p1.baseAddress!, k1)] : [(p1.baseAddress!, k1), (p2.baseAddress!, k2)],
                               columns: n, tiles: tiles)
                }
            }
            func w(_ l: Int, _ j: Int) -> Double { Double(l < k1 ? w1[l * n + j] : w2[(l - k1) * n + j]) }
            for accumulate in [false, true] {
                var c = c0
                matrix.multiply(into: &c, a, rows: m, accumulate: accumulate)
                for i in 0..<m {
                    let sa = Double((0..<depth).map { abs(a[i * depth + $0]) }.max()!) / 127
                    for j in 0..<n {
                        let sb = (0..<depth).map { abs(w($0, j)) }.max()! / 127
                        var want = accumulate ? Double(c0[i * n + j]) : 0, bound = 1e-5 * (1 + abs(want))
                        for l in 0..<depth {
                            let x = Double(a[i * depth + l])
                            want += x * w(l, j)
                            bound += abs(x) * sb / 2 + (abs(w(l, j)) + sb / 2) * sa / 2
                        }
                        XCTAssertEqual(Double(c[i * n + j]), want, accuracy: bound * 1.001 + 1e-6,
                                       "tiles=\(tiles) m=\(m) n=\(n) depth=\(depth) acc=\(accumulate) [\(i), \(j)]")
                    }
                }
            }
        }
        }
    }

    /// The AVX-512 packing (16 columns at a time, rows merged into their
    /// quads' lanes) writes the scalar reference's bytes: stacked parts whose
    /// rows straddle quads, widths around the 16- and 32-column edges, a
    /// zero column (scale 0), NaN and infinite weights, values past ±127
    /// steps; and the column maxima and sums it is built from.
    func testPackingMatchesTheScalarReference() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.vnni), "no AVX512-VNNI: --precision int8 is refused (TranslateCommandTests)")
        var rng = SplitMix64(seed: 63)
        for (n, k1, k2) in [(1, 1, 0), (15, 3, 6), (16, 5, 5), (33, 7, 2), (70, 64, 9)] {
            let depth = k1 + k2, quads = (depth + 3) / 4, panels = (n + 31) / 32
            var w = rng.uniform(depth * n).map { Float($0) * 4 }
            w[0] = .nan; if w.count > 3 { w[3] = .infinity }
            if n > 2 { for r in 0..<depth { w[r * n + 2] = 0 } }  // column 2: all zero, scale 0
            // Column maxima: the Swift definition (a NaN never taken).
            var largest = [Float](repeating: 0, count: n), want = largest
            for r in 0..<depth { for j in 0..<n { want[j] = max(want[j], abs(w[r * n + j])) } }
            w.withUnsafeBufferPointer { s2s_column_abs_max($0.baseAddress!, n, Int32(depth), Int32(n), &largest) }
            XCTAssertEqual(largest.map(\.bitPattern), want.map(\.bitPattern), "column maxima n=\(n) depth=\(depth)")
            // A scale that leaves some quotients past ±127 (clamped) besides the zero column.
            let scale = largest.map { $0 / 200 }
            var fast = [Int8](repeating: 0, count: panels * quads * 4 * 32), slow = fast
            w.withUnsafeBufferPointer { p in
                let second = p.baseAddress! + k1 * n
                s2s_int8_pack(p.baseAddress!, n, Int32(k1), Int32(n), scale, &fast, Int32(depth), 0)
                s2s_int8_pack_reference(p.baseAddress!, n, Int32(k1), Int32(n), scale, &slow, Int32(depth), 0)
                if k2 > 0 {
                    s2s_int8_pack(second, n, Int32(k2), Int32(n), scale, &fast, Int32(depth), Int32(k1))
                    s2s_int8_pack_reference(second, n, Int32(k2), Int32(n), scale, &slow, Int32(depth), Int32(k1))
                }
            }
            XCTAssertEqual(fast, slow, "packed bytes n=\(n) parts \(k1)+\(k2)")
            if depth * n > 50 { XCTAssertTrue(slow.contains(127) && slow.contains(-127), "the clamp is exercised") }
            // Column sums: Σ over the packed depth of each column's bytes.
            var sums = [Int32](repeating: 0, count: n)
            s2s_int8_column_sums(fast, Int32(n), Int32(depth), &sums)
            for j in 0..<n {
                let p = j / 32, lane = j % 32
                let sum = (0..<quads * 4).reduce(Int32(0)) { s, d in
                    s + Int32(slow[(p * quads + d / 4) * 128 + lane * 4 + d % 4])
                }
                XCTAssertEqual(sums[j], sum, "column sum \(j) n=\(n)")
            }
        }
    }

    /// On AMX tiles the int32 sums are exact as on AVX512-VNNI and scaled
    /// alike: the same bits, at row counts around the tiles' 16 and 32 rows,
    /// depths around their 64 values, partial panels, bias and accumulation,
    /// 1 and 2 threads.
    func testAMXEqualsTheVectorKernelBitForBit() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.amx) && CPUFeatures.current.contains(.vnni),
                          "no AMX on this CPU (or S2S_NO_AMX set): int8 runs on AVX512-VNNI")
        var rng = SplitMix64(seed: 62)
        for (m, n, depth) in [(1, 1, 1), (5, 31, 63), (16, 32, 64), (17, 33, 65), (33, 100, 130), (50, 64, 300), (160, 96, 256)] {
            let w = rng.uniform(depth * n).map(Float.init), bias = rng.uniform(n).map(Float.init)
            let a = rng.uniform(m * depth).map { Float($0) * 3 }, c0 = rng.uniform(m * n).map(Float.init)
            let (vector, amx) = w.withUnsafeBufferPointer { p in
                (Int8Matrix(stacking: [(p.baseAddress!, depth)], columns: n, tiles: false),
                 Int8Matrix(stacking: [(p.baseAddress!, depth)], columns: n, tiles: true))
            }
            XCTAssertTrue(amx.tiles)
            for (accumulate, withBias) in [(false, false), (true, false), (false, true)] {
                var results: [[UInt32]] = []
                for (matrix, threads) in [(vector, 1), (amx, 1), (amx, 2)] {
                    var c = c0
                    KernelSettings(threads: threads).run {
                        bias.withUnsafeBufferPointer { b in
                            matrix.multiply(into: &c, a, rows: m, accumulate: accumulate, bias: withBias ? b.baseAddress! : nil)
                        }
                    }
                    results.append(c.map(\.bitPattern))
                }
                XCTAssertEqual(results[1], results[0], "m=\(m) n=\(n) depth=\(depth) acc=\(accumulate) bias=\(withBias)")
                XCTAssertEqual(results[2], results[0], "threads: m=\(m) n=\(n) depth=\(depth)")
            }
        }
    }

    /// A column of zeros and a row of zeros give zeros (no division by a zero scale).
    func testZeroRowsAndColumns() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.vnni), "no AVX512-VNNI")
        let w: [Float] = [0, 1, 0, -2, 0, 3]  // (3, 2): column 0 all zero
        let matrix = w.withUnsafeBufferPointer { Int8Matrix(stacking: [($0.baseAddress!, 3)], columns: 2) }
        var c = [Float](repeating: 9, count: 4)
        matrix.multiply(into: &c, [Float](repeating: 0, count: 3) + [1, 1, 1], rows: 2, accumulate: false)
        XCTAssertEqual(c[0], 0); XCTAssertEqual(c[1], 0); XCTAssertEqual(c[2], 0)
        XCTAssertEqual(c[3], 2, accuracy: 0.05)
    }
}

/// The vectorised row quantiser equals the scalar reference bit for bit
/// (scales and bytes), at depths around the 16-lane tail and the 4-byte pad,
/// with a zero row and values on rounding ties.
final class Int8QuantizeTests: XCTestCase {
    func testVectorQuantiserEqualsTheReference() {
        var rng = SplitMix64(seed: 62)
        for depth in [1, 3, 4, 15, 16, 17, 33, 1536] {
            let m = 5, lda = depth + 3, ldo = (depth + 3) / 4 * 4 + 4
            var a = rng.uniform(m * lda).map { Float($0) * 7 }
            for k in 0..<depth { a[2 * lda + k] = 0 }  // a zero row: scale 1, every byte 128
            if depth >= 2 { a[3 * lda] = 127; a[3 * lda + 1] = 2.5 }  // q = 2.5 exactly: a tie to even
            var q1 = [UInt8](repeating: 7, count: m * ldo), q2 = q1
            var s1 = [Float](repeating: 0, count: m), s2 = s1
            s2s_int8_quantize_rows(Int32(m), Int32(depth), a, lda, &q1, ldo, &s1)
            s2s_int8_quantize_rows_reference(Int32(m), Int32(depth), a, lda, &q2, ldo, &s2)
            XCTAssertEqual(s1, s2, "depth \(depth)")
            XCTAssertEqual(q1, q2, "depth \(depth)")
            XCTAssertTrue(q1[(2 * ldo)..<(2 * ldo + depth)].allSatisfy { $0 == 128 })
            if depth >= 2 { XCTAssertEqual(q1[3 * ldo + 1], 130, "2.5 rounds to 2, plus 128") }
        }
    }
}
