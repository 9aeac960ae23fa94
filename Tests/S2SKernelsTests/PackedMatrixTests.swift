import _S2STestSupport
import S2SCore
import S2SKernels
import XCTest

/// The packed small-batch product against the naive reference: row counts
/// around the kernel's 8-row tiles, widths around its 32-column panels,
/// stacked matrices, accumulation, strided rows, and the threaded split.
final class PackedMatrixTests: XCTestCase {
    func testPackedProductMatchesTheNaiveReference() throws {
        try XCTSkipUnless(PackedMatrix.isAvailable, "no AVX-512F: decoding uses OpenBLAS (PackedDecodingTests checks the detection)")
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
                    for i in 0..<m {
                        for j in 0..<ldc {
                            var want = accumulate || j >= n ? Double(c0[i * ldc + j]) : 0
                            if j < n {
                                for k in 0..<depth {
                                    let w = k < k1 ? w1[k * n + j] : w2[(k - k1) * n + j]
                                    want += Double(a[i * lda + k]) * Double(w)
                                }
                            }
                            XCTAssertEqual(Double(c[i * ldc + j]), want, accuracy: 1e-5,
                                           "m=\(m) n=\(n) acc=\(accumulate) threads=\(threads) [\(i), \(j)]")
                        }
                    }
                }
            }
        }
    }

    /// Large enough to be split over threads: the same values as one thread.
    func testThreadedSplitIsExact() throws {
        try XCTSkipUnless(PackedMatrix.isAvailable, "no AVX-512F")
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
