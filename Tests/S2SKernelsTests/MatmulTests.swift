import _S2STestSupport
import S2SCore
import S2SKernels
import XCTest

final class MatmulTests: XCTestCase {
    /// OpenBLAS against the naive reference, every transpose case, with
    /// padded leading dimensions and beta ≠ 0, in Float and Double.
    func testBLASMatchesNaiveInAllTransposeCases() {
        var rng = SplitMix64(seed: 1)
        let (m, n, k) = (7, 5, 9)
        for transA in [false, true] {
            for transB in [false, true] {
                let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 1
                let a = rng.uniform((transA ? k : m) * lda), b = rng.uniform((transB ? n : k) * ldb)
                let c0 = rng.uniform(m * ldc)
                var fast = c0, slow = c0
                Matmul.gemm(&fast, a, b, m: m, n: n, k: k, transA: transA, transB: transB,
                            alpha: 0.7, beta: 0.3, lda: lda, ldb: ldb, ldc: ldc)
                Matmul.gemmNaive(&slow, a, b, m: m, n: n, k: k, transA: transA, transB: transB,
                                 alpha: 0.7, beta: 0.3, lda: lda, ldb: ldb, ldc: ldc)
                assertClose(fast, slow, relative: 1e-12, absolute: 1e-12, "double tA=\(transA) tB=\(transB)")

                let af = a.map(Float.init), bf = b.map(Float.init)
                var ff = c0.map(Float.init), sf = c0.map(Float.init)
                Matmul.gemm(&ff, af, bf, m: m, n: n, k: k, transA: transA, transB: transB,
                            alpha: 0.7, beta: 0.3, lda: lda, ldb: ldb, ldc: ldc)
                Matmul.gemmNaive(&sf, af, bf, m: m, n: n, k: k, transA: transA, transB: transB,
                                 alpha: 0.7, beta: 0.3, lda: lda, ldb: ldb, ldc: ldc)
                // Float sums of 9 products of values ≤ 1 in any order: ~1e-6 apart.
                assertClose(ff, sf, relative: 1e-5, absolute: 1e-5, "float tA=\(transA) tB=\(transB)")
            }
        }
    }

    func testLargeShapeMatchesNaive() {
        var rng = SplitMix64(seed: 2)
        let (m, n, k) = (67, 130, 300)  // larger than OpenBLAS's small-matrix paths
        let a = rng.uniform(m * k).map(Float.init), b = rng.uniform(k * n).map(Float.init)
        var fast = [Float](repeating: 0, count: m * n), slow = fast
        Matmul.gemm(&fast, a, b, m: m, n: n, k: k)
        Matmul.gemmNaive(&slow, a, b, m: m, n: n, k: k)
        // The naive sum is exact in Double then rounded; BLAS accumulates in
        // Float: for k = 300 terms of size ≤ 1 the error stays below ~1e-4.
        assertClose(fast, slow, relative: 1e-4, absolute: 1e-4, "67x130x300")
    }
}
