import _S2STestSupport
import S2SCore
import S2SKernels
import XCTest

/// `WeightProduct`, the one call behind which a step's products run: on
/// `Matmul` it computes (accumulate ? c : bias ?? 0) + a·B for B stored as
/// it is or transposed, against the naive product; packed, it gives the
/// same product within float rounding, and a bias it is given is the same,
/// bit for bit, as one copied into c first and accumulated onto.
final class WeightProductTests: XCTestCase {
    func check<T: Real>(_: T.Type, tolerance: Double) {
        var rng = SplitMix64(seed: 61)
        let (rows, depth, columns, lda) = (5, 11, 19, 14)
        let a = rng.uniform(rows * lda).map { T($0) }, stored = rng.uniform(depth * columns).map { T($0) }
        let bias = rng.uniform(columns).map { T($0) }, c0 = rng.uniform(rows * columns).map { T($0) }
        for transposed in [false, true] {
            for (accumulate, biased) in [(false, false), (false, true), (true, false)] {
                var c = c0
                stored.withUnsafeBufferPointer { b in
                    bias.withUnsafeBufferPointer { bias in
                        WeightProduct(b.baseAddress!, depth: depth, columns: columns, transposed: transposed)
                            .multiply(into: &c, a, rows: rows, accumulate: accumulate,
                                      bias: biased ? bias.baseAddress! : nil, lda: lda)
                    }
                }
                for i in 0..<rows {
                    for j in 0..<columns {
                        var want = accumulate ? Double(c0[i * columns + j]) : biased ? Double(bias[j]) : 0
                        for l in 0..<depth {
                            // B (depth, columns), or stored as Bᵀ (columns, depth).
                            let w = transposed ? stored[j * depth + l] : stored[l * columns + j]
                            want += Double(a[i * lda + l]) * Double(w)
                        }
                        XCTAssertEqual(Double(c[i * columns + j]), want, accuracy: tolerance,
                                       "\(T.self) transposed \(transposed) accumulate \(accumulate) bias \(biased) [\(i), \(j)]")
                    }
                }
            }
        }
    }

    func testMatmulFormsMatchTheNaiveProduct() {
        check(Double.self, tolerance: 1e-12)
        check(Float.self, tolerance: 1e-5)
    }

    func testPackedMatchesMatmulAndItsBiasIsACopiedBias() throws {
        try XCTSkipUnless(CPUFeatures.current.contains(.avx512), "no AVX-512F: every product runs on Matmul")
        var rng = SplitMix64(seed: 62)
        let (rows, depth, columns) = (11, 21, 45)
        let stored = rng.uniform(depth * columns).map(Float.init), a = rng.uniform(rows * depth).map(Float.init)
        let bias = rng.uniform(columns).map(Float.init)
        for transposed in [false, true] {
            stored.withUnsafeBufferPointer { b in
                let part = transposed
                    ? PackedMatrix.Part(transposeOf: b.baseAddress!, rows: depth, stride: depth)
                    : PackedMatrix.Part(b.baseAddress!, rows: depth)
                let plain = WeightProduct(b.baseAddress!, depth: depth, columns: columns, transposed: transposed)
                let packed = WeightProduct(b.baseAddress!, depth: depth, columns: columns, transposed: transposed,
                                           packed: DecodingMatrix(stacking: [part], columns: columns, path: .float32))
                for product in [plain, packed] {
                    var inStore = [Float](repeating: .nan, count: rows * columns)
                    var copied = (0..<rows).flatMap { _ in bias }
                    bias.withUnsafeBufferPointer { bias in
                        product.multiply(into: &inStore, a, rows: rows, accumulate: false, bias: bias.baseAddress!)
                    }
                    product.multiply(into: &copied, a, rows: rows, accumulate: true)
                    XCTAssertEqual(inStore.map(\.bitPattern), copied.map(\.bitPattern),
                                   "packed \(product.packed != nil) transposed \(transposed)")
                }
                var c1 = [Float](repeating: 0, count: rows * columns), c2 = c1
                plain.multiply(into: &c1, a, rows: rows, accumulate: false)
                packed.multiply(into: &c2, a, rows: rows, accumulate: false)
                for i in 0..<(rows * columns) { XCTAssertEqual(c1[i], c2[i], accuracy: 1e-5, "transposed \(transposed) \(i)") }
            }
        }
    }
}
