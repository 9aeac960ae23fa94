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

    /// Large products are split over `KernelThreads` into one-thread OpenBLAS
    /// calls on column ranges (row ranges when C is taller than wide): every
    /// transpose case, both split directions, padded leading dimensions and
    /// beta ≠ 0 give bit for bit the values of one unsplit call (which
    /// `testBLASMatchesNaiveInAllTransposeCases` holds to the reference), and
    /// a split call the naive reference's to rounding.
    func testSplitProductsEqualOneCall() {
        var rng = SplitMix64(seed: 3)
        for (m, n, k) in [(70, 190, 460), (190, 70, 460), (33, 700, 300), (700, 33, 300)] {  // split in 2–4
            for transA in [false, true] {
                for transB in [false, true] {
                    let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 1
                    let a = rng.uniform((transA ? k : m) * lda).map(Float.init)
                    let b = rng.uniform((transB ? n : k) * ldb).map(Float.init)
                    let c0 = rng.uniform(m * ldc).map(Float.init)
                    func product(threads: Int) -> [Float] {
                        var c = c0
                        KernelSettings(threads: threads).run {
                            Matmul.gemm(&c, a, b, m: m, n: n, k: k, transA: transA, transB: transB,
                                        alpha: 0.7, beta: 0.3, lda: lda, ldb: ldb, ldc: ldc)
                        }
                        return c
                    }
                    let one = product(threads: 1)
                    let name = "\(m)x\(n)x\(k) tA=\(transA) tB=\(transB)"
                    if !transA && !transB {  // the reference once per shape (slow in debug builds)
                        var naive = c0
                        Matmul.gemmNaive(&naive, a, b, m: m, n: n, k: k, alpha: 0.7, beta: 0.3,
                                         lda: lda, ldb: ldb, ldc: ldc)
                        assertClose(product(threads: 3), naive, relative: 1e-4, absolute: 1e-4, name)
                    }
                    for threads in [2, 3, 4] {
                        let split = product(threads: threads)
                        let differing = zip(split, one).filter { $0 != $1 }.count
                        XCTAssertEqual(differing, 0, "\(name) threads=\(threads): values differing from one call")
                    }
                }
            }
        }
    }
}

/// The measured rule for cutting products (`ProductSplit`) under this
/// CPU's OpenBLAS kernels: every cut it allows gives one call's values.
final class ProductSplitTests: XCTestCase {
    func testTheRuleAllowsOnlyCutsThatKeepTheValues() {
        for rule in [ProductSplit.rule(Float.self), ProductSplit.rule(Double.self)] {
            // Re-measuring gives the same answer (the probe is deterministic).
            XCTAssertEqual(rule.cut(m: 64, n: 2048)?.alignment, rule.cut(m: 64, n: 2048)?.alignment)
            if rule.columns { XCTAssertEqual(rule.cut(m: 64, n: 2048)?.columns, true) }
            if !rule.columns && !rule.rows16 && !rule.rows48 { XCTAssertNil(rule.cut(m: 64, n: 2048)) }
            if rule.rows16 { XCTAssertEqual(rule.cut(m: 2048, n: 64)?.alignment, 16) }
        }
        XCTAssertEqual(ProductSplit(columns: false, rows16: false, rows48: true).cut(m: 64, n: 2048)?.alignment, 48)
        XCTAssertNil(ProductSplit(columns: false, rows16: false, rows48: false).cut(m: 2048, n: 2048))
        XCTAssertEqual(ProductSplit(columns: true, rows16: true, rows48: true).cut(m: 2048, n: 64)?.columns, false)
    }
}
