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
