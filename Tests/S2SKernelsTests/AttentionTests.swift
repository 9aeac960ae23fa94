import _S2STestSupport
import S2SCore
import S2SKernels
import XCTest

/// Attention backward against finite differences (Double), with one batch
/// row shorter than S so that masking is exercised. loss = Σ w ⊙ context.
final class AttentionTests: XCTestCase {
    let (B, S, K, D, A) = (2, 4, 3, 5, 3)
    let lengths: [Int32] = [4, 2]

    func bilinear(_ q: [Double], _ keys: [Double], _ values: [Double]) -> (alpha: [Double], context: [Double]) {
        var alpha = [Double](repeating: 0, count: B * S), context = [Double](repeating: 0, count: B * D)
        Attention.forwardBilinear(alpha: &alpha, context: &context, query: q, keys: keys, values: values,
                                  lengths: lengths, batch: B, srcLen: S, keyDim: K, valueDim: D)
        return (alpha, context)
    }

    func testBilinearForward() {
        var rng = SplitMix64(seed: 21)
        let q = rng.uniform(B * K), keys = rng.uniform(B * S * K), values = rng.uniform(B * S * D)
        let (alpha, context) = bilinear(q, keys, values)
        for b in 0..<B {
            let n = Int(lengths[b])
            let scores = (0..<n).map { j in (0..<K).reduce(0.0) { $0 + q[b * K + $1] * keys[(b * S + j) * K + $1] } }
            let z = scores.map { exp($0) }.reduce(0, +)
            for j in 0..<S {
                XCTAssertEqual(alpha[b * S + j], j < n ? exp(scores[j]) / z : 0, accuracy: 1e-14)
            }
            for p in 0..<D {
                let expected = (0..<n).reduce(0.0) { $0 + alpha[b * S + $1] * values[(b * S + $1) * D + p] }
                XCTAssertEqual(context[b * D + p], expected, accuracy: 1e-14)
            }
        }
    }

    func testBilinearBackward() {
        var rng = SplitMix64(seed: 22)
        let q = rng.uniform(B * K), keys = rng.uniform(B * S * K), values = rng.uniform(B * S * D)
        let w = rng.uniform(B * D)
        func loss(_ q: [Double], _ k: [Double], _ v: [Double]) -> Double {
            zip(bilinear(q, k, v).context, w).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let alpha = bilinear(q, keys, values).alpha
        var dq = [Double](repeating: 0, count: B * K), dk = [Double](repeating: 0, count: B * S * K)
        var dv = [Double](repeating: 0, count: B * S * D), scratch = [Double](repeating: 0, count: B * S)
        Attention.backwardBilinear(dQuery: &dq, dKeys: &dk, dValues: &dv, dContext: w, alpha: alpha,
                                   query: q, keys: keys, values: values, lengths: lengths,
                                   batch: B, srcLen: S, keyDim: K, valueDim: D, scratch: &scratch)
        assertClose(dq, GradientCheck.numeric(q) { loss($0, keys, values) }, "dQuery")
        assertClose(dk, GradientCheck.numeric(keys) { loss(q, $0, values) }, "dKeys")
        assertClose(dv, GradientCheck.numeric(values) { loss(q, keys, $0) }, "dValues")
    }

    /// Rows split over threads (enough rows for the split to happen): the
    /// same α, context and gradients, bit for bit, as one thread.
    func testThreadsGiveTheSameValues() {
        var rng = SplitMix64(seed: 24)
        let (B, S, K, D) = (40, 7, 5, 6)
        let lengths = (0..<B).map { Int32(1 + $0 % S) }
        let q = rng.uniform(B * K).map(Float.init), keys = rng.uniform(B * S * K).map(Float.init)
        let values = rng.uniform(B * S * D).map(Float.init), dc = rng.uniform(B * D).map(Float.init)
        func run(_ threads: Int) -> [[Float]] {
            var alpha = [Float](repeating: 0, count: B * S), c = [Float](repeating: 0, count: B * D)
            Attention.forwardBilinear(alpha: &alpha, context: &c, query: q, keys: keys, values: values,
                                      lengths: lengths, batch: B, srcLen: S, keyDim: K, valueDim: D, threads: threads)
            var dq = [Float](repeating: 0, count: B * K), dk = [Float](repeating: 0.5, count: B * S * K)
            var dv = [Float](repeating: 0.25, count: B * S * D), scratch = [Float](repeating: 0, count: B * S)
            Attention.backwardBilinear(dQuery: &dq, dKeys: &dk, dValues: &dv, dContext: dc, alpha: alpha,
                                       query: q, keys: keys, values: values, lengths: lengths, batch: B, srcLen: S,
                                       keyDim: K, valueDim: D, scratch: &scratch, threads: threads)
            return [alpha, c, dq, dk, dv]
        }
        let one = run(1)
        for threads in [2, 3] { XCTAssertEqual(run(threads), one, "threads=\(threads)") }
    }

    /// dot attention: keys and values are the same encoder states, and both
    /// gradients add into one buffer.
    func testDotBackwardWithSharedKeysAndValues() {
        var rng = SplitMix64(seed: 23)
        let q = rng.uniform(B * D), s = rng.uniform(B * S * D), w = rng.uniform(B * D)
        func context(_ q: [Double], _ s: [Double]) -> [Double] {
            var alpha = [Double](repeating: 0, count: B * S), c = [Double](repeating: 0, count: B * D)
            Attention.forwardBilinear(alpha: &alpha, context: &c, query: q, keys: s, values: s,
                                      lengths: lengths, batch: B, srcLen: S, keyDim: D, valueDim: D)
            return c
        }
        var alpha = [Double](repeating: 0, count: B * S), c = [Double](repeating: 0, count: B * D)
        Attention.forwardBilinear(alpha: &alpha, context: &c, query: q, keys: s, values: s,
                                  lengths: lengths, batch: B, srcLen: S, keyDim: D, valueDim: D)
        var dq = [Double](repeating: 0, count: B * D), ds = [Double](repeating: 0, count: B * S * D)
        var scratch = [Double](repeating: 0, count: B * S)
        ds.withUnsafeMutableBufferPointer { d in
            Attention.backwardBilinear(dQuery: &dq, dKeys: d.baseAddress!, dValues: d.baseAddress!, dContext: w,
                                       alpha: alpha, query: q, keys: s, values: s, lengths: lengths,
                                       batch: B, srcLen: S, keyDim: D, valueDim: D, scratch: &scratch)
        }
        let num = GradientCheck.numeric(s) { zip(context(q, $0), w).reduce(0) { $0 + $1.0 * $1.1 } }
        assertClose(ds, num, "dot dStates")
    }

    func concat(_ pq: [Double], _ pk: [Double], _ v: [Double], _ values: [Double]) -> (alpha: [Double], context: [Double]) {
        var alpha = [Double](repeating: 0, count: B * S), context = [Double](repeating: 0, count: B * D)
        Attention.forwardConcat(alpha: &alpha, context: &context, projQuery: pq, projKeys: pk, v: v, values: values,
                                lengths: lengths, batch: B, srcLen: S, attnDim: A, valueDim: D)
        return (alpha, context)
    }

    func testConcatForwardAndBackward() {
        var rng = SplitMix64(seed: 24)
        let pq = rng.uniform(B * A), pk = rng.uniform(B * S * A), v = rng.uniform(A), values = rng.uniform(B * S * D)
        let w = rng.uniform(B * D)
        let alpha = concat(pq, pk, v, values).alpha
        // score_j = vᵀ tanh(pq + pk_j) for row 0, position 1.
        let s = (0..<4).map { j in (0..<A).reduce(0.0) { $0 + v[$1] * tanh(pq[$1] + pk[j * A + $1]) } }
        XCTAssertEqual(alpha[1], exp(s[1]) / s.map { exp($0) }.reduce(0, +), accuracy: 1e-14)
        XCTAssertEqual(alpha[1 * S + 2], 0)  // masked

        func loss(_ pq: [Double], _ pk: [Double], _ v: [Double], _ values: [Double]) -> Double {
            zip(concat(pq, pk, v, values).context, w).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var dpq = [Double](repeating: 0, count: B * A), dpk = [Double](repeating: 0, count: B * S * A)
        var dv = [Double](repeating: 0, count: A), dvalues = [Double](repeating: 0, count: B * S * D)
        var scratch = [Double](repeating: 0, count: S)
        Attention.backwardConcat(dProjQuery: &dpq, dProjKeys: &dpk, dV: &dv, dValues: &dvalues, dContext: w,
                                 alpha: alpha, projQuery: pq, projKeys: pk, v: v, values: values, lengths: lengths,
                                 batch: B, srcLen: S, attnDim: A, valueDim: D, scratch: &scratch)
        assertClose(dpq, GradientCheck.numeric(pq) { loss($0, pk, v, values) }, "dProjQuery")
        assertClose(dpk, GradientCheck.numeric(pk) { loss(pq, $0, v, values) }, "dProjKeys")
        assertClose(dv, GradientCheck.numeric(v) { loss(pq, pk, $0, values) }, "dV")
        assertClose(dvalues, GradientCheck.numeric(values) { loss(pq, pk, v, $0) }, "dValues")
    }
}
