import _S2STestSupport
import S2SCore
import S2SKernels
import XCTest

/// LSTM and GRU cells: backward against central finite differences in Double.
/// Each check uses loss = Σ w_h ⊙ h_t (+ Σ w_c ⊙ c_t) with random weights, so
/// every output's gradient is exercised; row 1 of 3 is a padded step.
final class CellTests: XCTestCase {
    let (B, H) = (3, 4)
    let mask: [Double] = [1, 0, 1]

    func lstmForward(gates: [Double], hPrev: [Double], cPrev: [Double], mask: [Double]?)
        -> (h: [Double], c: [Double], act: [Double], tanhC: [Double]) {
        var g = gates
        var h = [Double](repeating: 0, count: B * H), c = h, tc = h
        if let mask {
            LSTMCell.forward(h: &h, c: &c, tanhC: &tc, gates: &g, hPrev: hPrev, cPrev: cPrev,
                             mask: mask, batch: B, hidden: H)
        } else {
            LSTMCell.forward(h: &h, c: &c, tanhC: &tc, gates: &g, hPrev: hPrev, cPrev: cPrev,
                             mask: nil, batch: B, hidden: H)
        }
        return (h, c, g, tc)
    }

    func testLSTMForwardMatchesEquations() {
        // One unit, gates (i, f, g, o) = (0.5, −1, 2, 0.1), c_prev = 0.3.
        var g: [Double] = [0.5, -1, 2, 0.1]
        var h = [0.0], c = [0.0], tc = [0.0]
        LSTMCell.forward(h: &h, c: &c, tanhC: &tc, gates: &g, hPrev: [0.9], cPrev: [0.3], mask: nil,
                         batch: 1, hidden: 1)
        let s = { (x: Double) in 1 / (1 + exp(-x)) }
        let cExpected = s(-1) * 0.3 + s(0.5) * tanh(2)
        XCTAssertEqual(c[0], cExpected, accuracy: 1e-15)
        XCTAssertEqual(h[0], s(0.1) * tanh(cExpected), accuracy: 1e-15)
    }

    func testLSTMBackwardMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 11)
        let gates = rng.uniform(B * 4 * H, scale: 2), hPrev = rng.uniform(B * H), cPrev = rng.uniform(B * H)
        let wh = rng.uniform(B * H), wc = rng.uniform(B * H)
        for m in [nil, mask] {
            func loss(_ gates: [Double], _ hPrev: [Double], _ cPrev: [Double]) -> Double {
                let r = lstmForward(gates: gates, hPrev: hPrev, cPrev: cPrev, mask: m)
                return zip(r.h, wh).reduce(0) { $0 + $1.0 * $1.1 } + zip(r.c, wc).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let fwd = lstmForward(gates: gates, hPrev: hPrev, cPrev: cPrev, mask: m)
            var dGates = [Double](repeating: 0, count: B * 4 * H)
            var dhPrev = [Double](repeating: 0, count: B * H), dcPrev = dhPrev
            if let m {
                LSTMCell.backward(dGates: &dGates, dhPrev: &dhPrev, dcPrev: &dcPrev, dh: wh, dc: wc,
                                  gates: fwd.act, cPrev: cPrev, tanhC: fwd.tanhC, mask: m, batch: B, hidden: H)
            } else {
                LSTMCell.backward(dGates: &dGates, dhPrev: &dhPrev, dcPrev: &dcPrev, dh: wh, dc: wc,
                                  gates: fwd.act, cPrev: cPrev, tanhC: fwd.tanhC, mask: nil, batch: B, hidden: H)
            }
            let label = m == nil ? "unmasked" : "masked"
            assertClose(dGates, GradientCheck.numeric(gates) { loss($0, hPrev, cPrev) }, "LSTM dGates \(label)")
            assertClose(dcPrev, GradientCheck.numeric(cPrev) { loss(gates, hPrev, $0) }, "LSTM dcPrev \(label)")
            // h_{t−1} reaches the loss only through the carry on padded rows here
            // (the gates are inputs), which is exactly the kernel's dhPrev part.
            assertClose(dhPrev, GradientCheck.numeric(hPrev) { loss(gates, $0, cPrev) }, "LSTM dhPrev \(label)")
        }
    }

    func gruForward(xg: [Double], hg: [Double], hPrev: [Double], mask: [Double]?) -> (h: [Double], act: [Double]) {
        var h = [Double](repeating: 0, count: B * H), act = [Double](repeating: 0, count: B * 3 * H)
        if let mask {
            GRUCell.forward(h: &h, act: &act, xg: xg, hg: hg, hPrev: hPrev, mask: mask, batch: B, hidden: H)
        } else {
            GRUCell.forward(h: &h, act: &act, xg: xg, hg: hg, hPrev: hPrev, mask: nil, batch: B, hidden: H)
        }
        return (h, act)
    }

    func testGRUForwardMatchesEquations() {
        // One unit: xg = (0.2, −0.4, 0.7), hg = (0.1, 0.3, −0.5), h_prev = 0.6.
        var h = [0.0], act = [0.0, 0.0, 0.0]
        GRUCell.forward(h: &h, act: &act, xg: [0.2, -0.4, 0.7], hg: [0.1, 0.3, -0.5], hPrev: [0.6], mask: nil,
                        batch: 1, hidden: 1)
        let s = { (x: Double) in 1 / (1 + exp(-x)) }
        let r = s(0.3), z = s(-0.1), n = tanh(0.7 + r * -0.5)
        XCTAssertEqual(h[0], z * 0.6 + (1 - z) * n, accuracy: 1e-15)
    }

    func testGRUBackwardMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 12)
        let xg = rng.uniform(B * 3 * H, scale: 2), hg = rng.uniform(B * 3 * H, scale: 2), hPrev = rng.uniform(B * H)
        let wh = rng.uniform(B * H)
        for m in [nil, mask] {
            func loss(_ xg: [Double], _ hg: [Double], _ hPrev: [Double]) -> Double {
                zip(gruForward(xg: xg, hg: hg, hPrev: hPrev, mask: m).h, wh).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let fwd = gruForward(xg: xg, hg: hg, hPrev: hPrev, mask: m)
            var dxg = [Double](repeating: 0, count: B * 3 * H), dhg = dxg, dhPrev = [Double](repeating: 0, count: B * H)
            if let m {
                GRUCell.backward(dxg: &dxg, dhg: &dhg, dhPrev: &dhPrev, dh: wh, act: fwd.act, hg: hg, hPrev: hPrev,
                                 mask: m, batch: B, hidden: H)
            } else {
                GRUCell.backward(dxg: &dxg, dhg: &dhg, dhPrev: &dhPrev, dh: wh, act: fwd.act, hg: hg, hPrev: hPrev,
                                 mask: nil, batch: B, hidden: H)
            }
            let label = m == nil ? "unmasked" : "masked"
            assertClose(dxg, GradientCheck.numeric(xg) { loss($0, hg, hPrev) }, "GRU dxg \(label)")
            assertClose(dhg, GradientCheck.numeric(hg) { loss(xg, $0, hPrev) }, "GRU dhg \(label)")
            assertClose(dhPrev, GradientCheck.numeric(hPrev) { loss(xg, hg, $0) }, "GRU dhPrev \(label)")
        }
    }

    /// Work split over threads (the LSTM forward by ranges of 16 units, the
    /// rest by rows: enough for 2–3 parts, padded rows among them): forward
    /// and backward of both cells give one thread's values.
    func testCellsSplitOverThreadsGiveTheSameValues() {
        let (B, H) = (400, 48)  // 3 ranges of 16 units; Parallel.minimumRows(width: 48) = 42 rows a part
        var rng = SplitMix64(seed: 12)
        func floats(_ n: Int) -> [Float] { rng.uniform(n, scale: 2).map(Float.init) }
        let mask: [Float] = (0..<B).map { $0 % 7 == 3 ? 0 : 1 }
        let gates = floats(B * 4 * H), hPrev = floats(B * H), cPrev = floats(B * H)
        let dh = floats(B * H), dc = floats(B * H)
        let xg = floats(B * 3 * H), hg = floats(B * 3 * H)
        func lstm(_ threads: Int) -> [[Float]] {
            var g = gates, h = [Float](repeating: 0, count: B * H), c = h, tc = h
            LSTMCell.forward(h: &h, c: &c, tanhC: &tc, gates: &g, hPrev: hPrev, cPrev: cPrev, mask: mask,
                             batch: B, hidden: H, threads: threads)
            var dg = [Float](repeating: 0, count: B * 4 * H), dhPrev = h, dcPrev = h
            LSTMCell.backward(dGates: &dg, dhPrev: &dhPrev, dcPrev: &dcPrev, dh: dh, dc: dc, gates: g, cPrev: cPrev,
                              tanhC: tc, mask: mask, batch: B, hidden: H, threads: threads)
            return [h, c, tc, g, dg, dhPrev, dcPrev]
        }
        func gru(_ threads: Int) -> [[Float]] {
            var h = [Float](repeating: 0, count: B * H), act = [Float](repeating: 0, count: B * 3 * H)
            GRUCell.forward(h: &h, act: &act, xg: xg, hg: hg, hPrev: hPrev, mask: mask, batch: B, hidden: H,
                            threads: threads)
            var dxg = act, dhg = act, dhPrev = h
            GRUCell.backward(dxg: &dxg, dhg: &dhg, dhPrev: &dhPrev, dh: dh, act: act, hg: hg, hPrev: hPrev,
                             mask: mask, batch: B, hidden: H, threads: threads)
            return [h, act, dxg, dhg, dhPrev]
        }
        let (lstmOne, gruOne) = (lstm(1), gru(1))
        for threads in [2, 3] {
            XCTAssertEqual(lstm(threads), lstmOne, "LSTM threads=\(threads)")
            XCTAssertEqual(gru(threads), gruOne, "GRU threads=\(threads)")
        }
    }

    // MARK: Elman RNN

    func rnnForward(pre: [Double], hPrev: [Double], mask: [Double]?) -> (h: [Double], act: [Double]) {
        var a = pre, h = [Double](repeating: 0, count: B * H)
        if let mask {
            RNNCell.forward(h: &h, pre: &a, hPrev: hPrev, mask: mask, batch: B, hidden: H)
        } else {
            RNNCell.forward(h: &h, pre: &a, hPrev: hPrev, mask: nil, batch: B, hidden: H)
        }
        return (h, a)
    }

    func testRNNForwardIsTanhAndCarriesPaddedRows() {
        let pre: [Double] = (0..<(B * H)).map { Double($0) / 4 - 1 }, hPrev = [Double](repeating: 0.25, count: B * H)
        let r = rnnForward(pre: pre, hPrev: hPrev, mask: mask)
        for b in 0..<B {
            for j in 0..<H {
                XCTAssertEqual(r.h[b * H + j], mask[b] == 0 ? 0.25 : tanh(pre[b * H + j]), accuracy: 1e-15)
            }
        }
    }

    func testRNNBackwardMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 13)
        let pre = rng.uniform(B * H, scale: 2), hPrev = rng.uniform(B * H), wh = rng.uniform(B * H)
        for m in [nil, mask] {
            func loss(_ pre: [Double], _ hPrev: [Double]) -> Double {
                zip(rnnForward(pre: pre, hPrev: hPrev, mask: m).h, wh).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let fwd = rnnForward(pre: pre, hPrev: hPrev, mask: m)
            var dPre = [Double](repeating: 0, count: B * H), dhPrev = dPre
            if let m {
                RNNCell.backward(dPre: &dPre, dhPrev: &dhPrev, dh: wh, act: fwd.act, mask: m, batch: B, hidden: H)
            } else {
                RNNCell.backward(dPre: &dPre, dhPrev: &dhPrev, dh: wh, act: fwd.act, mask: nil, batch: B, hidden: H)
            }
            let label = m == nil ? "unmasked" : "masked"
            assertClose(dPre, GradientCheck.numeric(pre) { loss($0, hPrev) }, "RNN dPre \(label)")
            assertClose(dhPrev, GradientCheck.numeric(hPrev) { loss(pre, $0) }, "RNN dhPrev (pointwise part) \(label)")
        }
    }
}
