import _S2STestSupport
import S2SCore
import S2SKernels
import XCTest

/// The packed small-batch product against the naive reference: row counts
/// around the kernel's 8-row tiles, widths around its 32-column panels,
/// stacked matrices, accumulation, strided rows, and the threaded split.
final class PackedMatrixTests: XCTestCase {
    func testPackedProductMatchesTheNaiveReference() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "no AVX-512F: decoding uses OpenBLAS (PackedDecodingTests checks the detection)")
        var rng = SplitMix64(seed: 21)
        for (m, n) in [(1, 1), (5, 31), (8, 32), (9, 33), (17, 100), (3, 2_048)] {
            for accumulate in [false, true] {
                let k1 = 7, k2 = 13, depth = k1 + k2, lda = depth + 3, ldc = n + 5
                let w1 = rng.uniform(k1 * n).map(Float.init), w2 = rng.uniform(k2 * n).map(Float.init)
                let a = rng.uniform(m * lda).map(Float.init)
                let c0 = rng.uniform(m * ldc).map(Float.init)
                let packed = w1.withUnsafeBufferPointer { p1 in
                    w2.withUnsafeBufferPointer { p2 in
                        PackedMatrix(stacking: [(p1.baseAddress!, k1), (p2.baseAddress!, k2)], columns: n)
                    }
                }
                XCTAssertEqual(packed.depth, depth)
                for threads in [1, 2] {
                    var c = c0
                    packed.multiply(into: &c, a, rows: m, lda: lda, ldc: ldc, accumulate: accumulate, threads: threads)
                    assertMatchesReference(c, c0: c0, a: a, w1: w1, w2: w2, k1: k1, depth: depth, m: m, n: n,
                                           lda: lda, ldc: ldc, accumulate: accumulate,
                                           "m=\(m) n=\(n) acc=\(accumulate) threads=\(threads)")
                }
            }
        }
    }

    /// A part packed as the transpose of a stored matrix (training's Uᵀ)
    /// packs exactly what stacking the explicit transpose packs, next to an
    /// ordinary part, split over threads or not; and packing again into the
    /// same memory replaces the old values.
    func testTransposedPartsAndRepackingInPlace() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "no AVX-512F")
        var rng = SplitMix64(seed: 24)
        for (n, k1, k2) in [(1, 1, 2), (31, 7, 5), (33, 64, 3), (2_048, 130, 2)] {
            let stride = k1 + 3  // M1 (n, k1) stored with padded rows
            var m1 = rng.uniform(n * stride).map(Float.init)
            let m2 = rng.uniform(k2 * n).map(Float.init)
            var m1T = [Float](repeating: 0, count: k1 * n)
            for j in 0..<n { for r in 0..<k1 { m1T[r * n + j] = m1[j * stride + r] } }
            let a = rng.uniform(5 * (k1 + k2)).map(Float.init)
            let explicit = m1T.withUnsafeBufferPointer { p1 in
                m2.withUnsafeBufferPointer { p2 in
                    PackedMatrix(stacking: [(p1.baseAddress!, k1), (p2.baseAddress!, k2)], columns: n)
                }
            }
            let packed = PackedMatrix(depth: k1 + k2, columns: n)
            var want = [Float](repeating: 0, count: 5 * n)
            explicit.multiply(into: &want, a, rows: 5, accumulate: false, threads: 1)
            for threads in [1, 2] {
                // Garbage first: the second pack must overwrite every value.
                let junk = [Float](repeating: 7, count: n * stride)
                for source in [junk, m1] {
                    source.withUnsafeBufferPointer { p1 in
                        m2.withUnsafeBufferPointer { p2 in
                            packed.pack([PackedMatrix.Part(transposeOf: p1.baseAddress!, rows: k1, stride: stride),
                                         PackedMatrix.Part(p2.baseAddress!, rows: k2)], threads: threads)
                        }
                    }
                }
                var got = [Float](repeating: 0, count: 5 * n)
                packed.multiply(into: &got, a, rows: 5, accumulate: false, threads: 1)
                XCTAssertEqual(got, want, "n=\(n) k1=\(k1) threads=\(threads)")
            }
            m1[0] += 1  // (keeps m1 a var: its copy above was what got packed)
        }
    }

    /// Large enough to be split over threads: the same values as one thread.
    func testThreadedSplitIsExact() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "no AVX-512F")
        var rng = SplitMix64(seed: 22)
        let (m, depth, n) = (5, 512, 2_000)
        let w = rng.uniform(depth * n).map(Float.init), a = rng.uniform(m * depth).map(Float.init)
        let packed = w.withUnsafeBufferPointer { PackedMatrix(stacking: [($0.baseAddress!, depth)], columns: n) }
        var one = [Float](repeating: 0, count: m * n), two = one
        packed.multiply(into: &one, a, rows: m, accumulate: false, threads: 1)
        packed.multiply(into: &two, a, rows: m, accumulate: false, threads: 2)
        XCTAssertEqual(one, two)
    }
}

/// The bfloat16 kernel against the naive reference over the same operands
/// rounded to bfloat16 (products of two bfloat16 values are exact in Float,
/// so only the order of the Float sums differs), and the rounding itself.
final class PackedBFloat16Tests: XCTestCase {
    func testRoundingIsToNearestEven() {
        let cases: [(Float, Float)] = [
            (1, 1), (-2.5, -2.5), (0, 0),
            (1 + 1 / 256, 1),                          // a tie: down to the even 1.0
            (1 + 3 / 256, 1 + 4 / 256),                // a tie: up to the even neighbour
            (1 + 1 / 256 + 1 / 65_536, 1 + 2 / 256),   // just above the tie: up
            (Float.greatestFiniteMagnitude, .infinity),
            (.infinity, .infinity), (-.infinity, -.infinity),
        ]
        for (x, want) in cases { XCTAssertEqual(PackedMatrix.bfloat16Rounded(x), want, "\(x)") }
        XCTAssertTrue(PackedMatrix.bfloat16Rounded(.nan).isNaN)
    }

    func testBFloat16ProductMatchesTheNaiveReference() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.bfloat16), "no AVX512_BF16: --precision bfloat16 is refused (TranslateCommandTests)")
        try assertBFloat16ProductMatchesTheNaiveReference(tiles: false)
    }

    /// The same on AMX tiles; the shapes add row counts around the tiles'
    /// 16 and 32 rows and depths around their 32 values.
    func testAMXProductMatchesTheNaiveReference() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.amx), "no AMX on this CPU (or S2S_NO_AMX set): the AVX512_BF16 kernel runs instead")
        try assertBFloat16ProductMatchesTheNaiveReference(tiles: true)
    }

    private func assertBFloat16ProductMatchesTheNaiveReference(tiles: Bool) throws {
        var rng = SplitMix64(seed: 23)
        // Odd depths and an odd first part: pairs straddle the stacked matrices.
        var shapes = [(1, 1, 1, 0), (5, 31, 7, 13), (8, 32, 8, 8), (9, 33, 3, 4), (17, 100, 20, 1), (3, 2_048, 64, 64)]
        if tiles { shapes += [(16, 16, 16, 16), (31, 64, 33, 31), (33, 40, 64, 1), (50, 70, 100, 29)] }
        for (m, n, k1, k2) in shapes {
            for accumulate in [false, true] {
                let depth = k1 + k2, lda = depth + 3, ldc = n + 5
                let w1 = rng.uniform(k1 * n).map(Float.init), w2 = rng.uniform(k2 * n).map(Float.init)
                let a = rng.uniform(m * lda).map(Float.init)
                let c0 = rng.uniform(m * ldc).map(Float.init)
                let parts = k2 == 0 ? [(w1, k1)] : [(w1, k1), (w2, k2)]
                let packed = w1.withUnsafeBufferPointer { p1 in
                    w2.withUnsafeBufferPointer { p2 in
                        PackedMatrix(stacking: parts.count == 1 ? [(p1.baseAddress!, k1)]
                                         : [(p1.baseAddress!, k1), (p2.baseAddress!, k2)],
                                     columns: n, precision: .bfloat16, tiles: tiles)
                    }
                }
                XCTAssertEqual(packed.depth, depth)
                XCTAssertEqual(packed.tiles, tiles)
                var results: [[Float]] = []
                for threads in [1, 2] {
                    var c = c0
                    packed.multiply(into: &c, a, rows: m, lda: lda, ldc: ldc, accumulate: accumulate, threads: threads)
                    assertMatchesReference(c, c0: c0, a: a, w1: w1, w2: w2, k1: k1, depth: depth, m: m, n: n,
                                           lda: lda, ldc: ldc, accumulate: accumulate, round: PackedMatrix.bfloat16Rounded,
                                           "tiles=\(tiles) m=\(m) n=\(n) depth=\(depth) acc=\(accumulate) threads=\(threads)")
                    results.append(c)
                }
                XCTAssertEqual(results[0].map(\.bitPattern), results[1].map(\.bitPattern), "threads change the bits")
            }
        }
    }

    /// The vector rounding of the left operand (vcvtneps2bf16) is the scalar
    /// one: A times the identity gives A rounded, ties and all.
    func testVectorRoundingOfTheLeftOperandMatchesTheScalarOne() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.bfloat16), "no AVX512_BF16")
        var rng = SplitMix64(seed: 24)
        let depth = 37, m = 3
        var a = rng.uniform(m * depth).map { Float($0) * 100 }
        a[0] = 1 + 1 / 256; a[1] = 1 + 3 / 256; a[2] = -(1 + 1 / 256); a[40] = 3e-3
        var identity = [Float](repeating: 0, count: depth * depth)
        for i in 0..<depth { identity[i * depth + i] = 1 }
        let packed = identity.withUnsafeBufferPointer {
            PackedMatrix(stacking: [($0.baseAddress!, depth)], columns: depth, precision: .bfloat16)
        }
        var c = [Float](repeating: 0, count: m * depth)
        packed.multiply(into: &c, a, rows: m, accumulate: false, threads: 1)
        XCTAssertEqual(c, a.map(PackedMatrix.bfloat16Rounded))
    }
}


/// c after `multiply` against Σ_k round(a[i, k]) · round(w[k, j]) in Double,
/// w being the parts stacked (k1 rows of w1, then w2), columns past n and
/// accumulate = false as the kernels define them.
func assertMatchesReference(_ c: [Float], c0: [Float], a: [Float], w1: [Float], w2: [Float], k1: Int, depth: Int,
                            m: Int, n: Int, lda: Int, ldc: Int, accumulate: Bool,
                            round: (Float) -> Float = { $0 }, _ what: String,
                            file: StaticString = #filePath, line: UInt = #line) {
    for i in 0..<m {
        for j in 0..<ldc {
            var want = accumulate || j >= n ? Double(c0[i * ldc + j]) : 0
            if j < n {
                for k in 0..<depth {
                    let w = k < k1 ? w1[k * n + j] : w2[(k - k1) * n + j]
                    want += Double(round(a[i * lda + k])) * Double(round(w))
                }
            }
            XCTAssertEqual(Double(c[i * ldc + j]), want, accuracy: 1e-5, "\(what) [\(i), \(j)]", file: file, line: line)
        }
    }
}
