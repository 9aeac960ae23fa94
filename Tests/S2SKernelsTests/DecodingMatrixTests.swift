import _S2STestSupport
import S2SCore
import S2SKernels
import XCTest

/// Every path of a decoding product gives the product of the stacked parts
/// (plain and transposed) within its precision, and the choice among timed
/// paths is a function of the timings alone.
final class DecodingMatrixTests: XCTestCase {
    func testEveryPathComputesTheStackedProduct() throws {
        var rng = SplitMix64(seed: 51)
        let (rows, k1, k2, n) = (7, 13, 9, 37)
        let w1 = rng.uniform(k1 * n).map(Float.init)
        let mt = rng.uniform(n * k2).map(Float.init)  // the second part stored transposed: (n, k2)
        let full = rng.uniform(rows * (k1 + k2)).map(Float.init), c0 = rng.uniform(rows * n).map(Float.init)
        for path in DecodingMatrix.Path.available {
            for accumulate in [false, true] {
                // bfloat16 packs a transposed part only alone.
                let transposed = path != .bfloat16 && path != .amx, depth = transposed ? k1 + k2 : k1
                let a = Array(full.prefix(rows * depth))  // (rows, depth)
                var c = c0
                w1.withUnsafeBufferPointer { p1 in
                    mt.withUnsafeBufferPointer { pt in
                        let parts = transposed
                            ? [PackedMatrix.Part(p1.baseAddress!, rows: k1), PackedMatrix.Part(transposeOf: pt.baseAddress!, rows: k2, stride: k2)]
                            : [PackedMatrix.Part(p1.baseAddress!, rows: k1)]
                        let m = DecodingMatrix(stacking: parts, columns: n, path: path)
                        XCTAssertEqual(m.path, path)
                        m.multiply(into: &c, a, rows: rows, accumulate: accumulate)
                    }
                }
                let round: (Float) -> Double = path == .bfloat16 || path == .amx ? { Double(PackedMatrix.bfloat16Rounded($0)) } : { Double($0) }
                // int8 within its quantisation (Int8MatrixTests has the bound); the others to float rounding.
                let tolerance = path.isInt8 ? 0.05 * Double(depth) : 1e-5
                for i in 0..<rows {
                    for j in 0..<n {
                        var want = accumulate ? Double(c0[i * n + j]) : 0
                        for l in 0..<depth {
                            let w = l < k1 ? w1[l * n + j] : mt[j * k2 + (l - k1)]
                            want += round(a[i * depth + l]) * round(w)
                        }
                        XCTAssertEqual(Double(c[i * n + j]), want, accuracy: tolerance, "\(path) acc=\(accumulate) [\(i), \(j)]")
                    }
                }
            }
        }
    }

    /// A bias added in the kernel's store gives, bit for bit, what copying it
    /// into every row and accumulating gives (the same float additions), on
    /// every path, at a row count past one tile and a column count with a
    /// partial panel.
    func testABiasInTheStoreEqualsABiasCopiedFirst() throws {
        var rng = SplitMix64(seed: 52)
        let (rows, k, n) = (11, 21, 45)
        let w = rng.uniform(k * n).map(Float.init), a = rng.uniform(rows * k).map(Float.init)
        let bias = rng.uniform(n).map(Float.init)
        for path in DecodingMatrix.Path.available {
            var copied = (0..<rows).flatMap { _ in bias }, stored = [Float](repeating: .nan, count: rows * n)
            w.withUnsafeBufferPointer { p in
                let m = DecodingMatrix(stacking: [PackedMatrix.Part(p.baseAddress!, rows: k)], columns: n, path: path)
                m.multiply(into: &copied, a, rows: rows, accumulate: true)
                bias.withUnsafeBufferPointer { b in m.multiply(into: &stored, a, rows: rows, accumulate: false, bias: b.baseAddress!) }
            }
            XCTAssertEqual(stored.map(\.bitPattern), copied.map(\.bitPattern), "\(path)")
            // and it is a product plus the bias, not the bias alone
            XCTAssertNotEqual(stored[0], bias[0], "\(path)")
        }
    }

    func testTheFastestIsChosenAndTiesGoToTheFirst() {
        XCTAssertEqual(DecodingMatrix.fastest([(.float32, 2e-3), (.bfloat16, 1e-3), (.openblas, 3e-3)]), .bfloat16)
        XCTAssertEqual(DecodingMatrix.fastest([(.float32, 2e-3), (.bfloat16, 2e-3), (.openblas, 1.5e-3)]), .openblas)
        XCTAssertEqual(DecodingMatrix.fastest([(.float32, 1e-3), (.bfloat16, 1e-3), (.openblas, 1e-3)]), .float32)
        XCTAssertEqual(DecodingMatrix.fastest([(.openblas, 1e-3)]), .openblas)
    }

    func testTimingsCoverTheAvailablePaths() throws {
        let w = [Float](repeating: 0.5, count: 16 * 40)
        let t = w.withUnsafeBufferPointer {
            DecodingMatrix.timings(stacking: [PackedMatrix.Part($0.baseAddress!, rows: 16)], columns: 40, rows: 3, seconds: 0)
        }
        XCTAssertEqual(t.map(\.path), DecodingMatrix.Path.available)
        XCTAssertTrue(t.allSatisfy { $0.seconds > 0 && $0.seconds.isFinite })
        XCTAssertEqual(DecodingMatrix.Path.available.contains(.float32), CPUFeatures.current.contains(.avx512))
        XCTAssertEqual(DecodingMatrix.Path.available.contains(.bfloat16), CPUFeatures.current.contains(.bfloat16))
        XCTAssertEqual(DecodingMatrix.Path.available.contains(.amx), CPUFeatures.current.contains(.avx512) && CPUFeatures.current.contains(.amx))
        XCTAssertEqual(DecodingMatrix.Path.available.contains(.int8), CPUFeatures.current.contains(.avx512) && CPUFeatures.current.contains(.vnni))
        XCTAssertEqual(DecodingMatrix.Path.available.contains(.amxInt8),
                       CPUFeatures.current.contains(.avx512) && CPUFeatures.current.contains(.vnni) && CPUFeatures.current.contains(.amx))
        // Only the paths asked for are timed.
        let two = w.withUnsafeBufferPointer {
            DecodingMatrix.timings(stacking: [PackedMatrix.Part($0.baseAddress!, rows: 16)], columns: 40, rows: 3, seconds: 0,
                                   among: [.openblas])
        }
        XCTAssertEqual(two.map(\.path), [.openblas])
    }
}
