import _S2STestSupport
import CKernels
import S2SCore
import S2SKernels
import XCTest

/// Training's bfloat16 products (`BFloat16Gemm`, and `Matmul` with
/// `KernelSettings(precision: .bfloat16)`) against the naive reference: exactly (up
/// to the order of the float sums) over the operands rounded to bfloat16,
/// and within the bound BFloat16Gemm states over the operands as given.
final class BFloat16GemmTests: XCTestCase {
    /// Odd shapes, every transpose, padded strides, both beta values, 1 and
    /// 2 threads, on AVX512_BF16's vector kernel.
    func testMatchesTheNaiveReference() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.bfloat16), "no AVX512_BF16: training runs in float32 (TrainCommandTests)")
        assertMatchesTheNaiveReference(seed: 41, tiles: false)
    }

    /// The same on AMX tiles (what training uses where the CPU has them).
    func testOnAMXTilesMatchesTheNaiveReference() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.amx), "no AMX on this CPU (or S2S_NO_AMX set): training's bfloat16 products run on AVX512_BF16")
        assertMatchesTheNaiveReference(seed: 44, tiles: true)
    }

    private func assertMatchesTheNaiveReference(seed: UInt64, tiles: Bool) {
        var rng = SplitMix64(seed: seed)
        let shapes = [(1, 1, 1), (3, 5, 7), (8, 32, 2), (9, 33, 31), (33, 70, 64), (40, 17, 65), (300, 40, 33), (5, 100, 300),
                      (64, 64, 96)]
        for (m, n, k) in shapes {
            for (transA, transB) in [(false, false), (false, true), (true, false), (true, true)] {
                for accumulate in [false, true] {
                    // op(A) (m, k) stored as A or Aᵀ, rows `pad` longer than needed.
                    let pad = 3
                    let lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad
                    let a = rng.uniform((transA ? k : m) * lda).map(Float.init)
                    let b = rng.uniform((transB ? n : k) * ldb).map(Float.init)
                    let c0 = rng.uniform(m * ldc).map(Float.init)
                    func opA(_ i: Int, _ l: Int) -> Float { transA ? a[l * lda + i] : a[i * lda + l] }
                    func opB(_ l: Int, _ j: Int) -> Float { transB ? b[j * ldb + l] : b[l * ldb + j] }
                    var results: [[Float]] = []
                    for threads in [1, 2] {
                        var c = c0
                        BFloat16Gemm.gemm(&c, a, b, m: m, n: n, k: k, transA: transA, transB: transB,
                                          accumulate: accumulate, lda: lda, ldb: ldb, ldc: ldc, threads: threads,
                                          tiles: tiles)
                        results.append(c)
                    }
                    XCTAssertEqual(results[0], results[1], "threads change the bits: \(m)×\(n)×\(k)")
                    let c = results[0], what = "m=\(m) n=\(n) k=\(k) tA=\(transA) tB=\(transB) acc=\(accumulate)"
                    let round = PackedMatrix.bfloat16Rounded
                    for i in 0..<m {
                        for j in 0..<ldc {
                            let got = Double(c[i * ldc + j])
                            guard j < n else {
                                XCTAssertEqual(got, Double(c0[i * ldc + j]), "\(what): wrote past n"); continue
                            }
                            let start = accumulate ? Double(c0[i * ldc + j]) : 0
                            var rounded = start, exact = start, magnitude = 0.0
                            for l in 0..<k {
                                rounded += Double(round(opA(i, l))) * Double(round(opB(l, j)))
                                exact += Double(opA(i, l)) * Double(opB(l, j))
                                magnitude += abs(Double(opA(i, l)) * Double(opB(l, j)))
                            }
                            // Products of two bfloat16 values are exact in float; the
                            // float sums of k + 1 terms err by at most (k + 1)·2⁻²⁴ of Σ|terms|.
                            let sums = Double(k + 1) * 0x1p-24 * (magnitude * 1.01 + abs(start))
                            XCTAssertEqual(got, rounded, accuracy: sums + 1e-30, "\(what) [\(i), \(j)] rounded operands")
                            // BFloat16Gemm's stated bound against the operands as given.
                            let bound = (0x1p-7 + 0x1p-16) * magnitude + sums
                            XCTAssertEqual(got, exact, accuracy: bound + 1e-30, "\(what) [\(i), \(j)] as given")
                        }
                    }
                }
            }
        }
    }

    /// `Matmul.gemm` takes the bfloat16 path for Float when asked, keeps
    /// float32 for Double, and agrees with BFloat16Gemm bit for bit.
    func testMatmulRoutesFloatProductsByPrecision() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.bfloat16), "no AVX512_BF16")
        var rng = SplitMix64(seed: 42)
        let (m, n, k) = (70, 90, 130)
        let a = rng.uniform(m * k).map(Float.init), b = rng.uniform(k * n).map(Float.init)
        var direct = [Float](repeating: 0, count: m * n), routed = direct, plain = direct
        BFloat16Gemm.gemm(&direct, a, b, m: m, n: n, k: k, transA: false, transB: false, accumulate: false,
                          lda: k, ldb: n, ldc: n)
        Matmul.gemm(&plain, a, b, m: m, n: n, k: k)
        KernelSettings(precision: .bfloat16).run { Matmul.gemm(&routed, a, b, m: m, n: n, k: k) }
        XCTAssertEqual(routed, direct)
        XCTAssertNotEqual(routed, plain, "bfloat16 rounding should show in some value")
        let ad = a.map(Double.init), bd = b.map(Double.init)
        var d = [Double](repeating: 0, count: m * n), naive = d
        Matmul.gemm(&d, ad, bd, m: m, n: n, k: k)
        Matmul.gemmNaive(&naive, ad, bd, m: m, n: n, k: k)
        for i in 0..<(m * n) { XCTAssertEqual(d[i], naive[i], accuracy: 1e-12) }
    }

    /// The vectorised packers write the layout of the scalar one (which the
    /// decoding kernel reads): rows, odd depths with a zero pad row, and
    /// the transpose of a stored matrix.
    func testPackersMatchTheScalarLayout() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.bfloat16), "no AVX512_BF16")
        var rng = SplitMix64(seed: 43)
        for (k, n) in [(1, 1), (7, 33), (32, 64), (65, 40), (100, 3)] {
            let b = rng.uniform(k * n).map { Float($0) * 10 }
            var bt = [Float](repeating: 0, count: n * k)  // Bᵀ stored (n, k)
            for r in 0..<k { for j in 0..<n { bt[j * k + r] = b[r * n + j] } }
            let panels = (n + 31) / 32, count = panels * ((k + 1) / 2) * 2 * 32
            var scalar = [UInt16](repeating: 0, count: count)
            var rows = [UInt16](repeating: 0xFFFF, count: count), transposed = rows
            s2s_pack_panels_bf16(b, n, Int32(k), Int32(n), &scalar, Int32(k), 0)
            s2s_bf16_pack_rows(b, n, Int32(k), Int32(n), &rows, 0, Int32(panels))
            s2s_bf16_pack_transposed(bt, k, Int32(k), Int32(n), &transposed, 0, Int32(panels))
            XCTAssertNil(rows.indices.first { rows[$0] != scalar[$0] }, "rows k=\(k) n=\(n): first difference")
            XCTAssertNil(transposed.indices.first { transposed[$0] != scalar[$0] }, "transposed k=\(k) n=\(n): first difference")
        }
    }
}
