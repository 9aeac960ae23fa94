/// Attention of one decoder step over the encoder states (Bahdanau et al.
/// 2015; Luong et al. 2015), source padding masked by length.
///
///     dot      score_j = h_t · s_j
///     general  score_j = h_t · (s_j·W_a)       keys = s·W_a, projected once per batch
///     concat   score_j = vᵀ tanh(h_t·W_1 + s_j·W_2)   s·W_2 projected once per batch
///     α = softmax(score) over j < length,  c_t = Σ_j α_j s_j
///
/// The caller makes the projections (GEMMs) and the attentional vector
/// h̃_t = tanh([c_t; h_t]·W_c); these kernels do the per-step rest.
public enum Attention {
    /// dot / general: query (B, K), keys (B, S, K), values (B, S, D).
    /// Outputs alpha (B, S) (0 on padding) and context (B, D). Rows are split
    /// over `threads` (each row's work is its own: the same values).
    @inlinable
    public static func forwardBilinear<T: Real>(
        alpha: UnsafeMutablePointer<T>, context: UnsafeMutablePointer<T>,
        query: UnsafePointer<T>, keys: UnsafePointer<T>, values: UnsafePointer<T>,
        lengths: UnsafePointer<Int32>, batch: Int, srcLen S: Int, keyDim K: Int, valueDim D: Int,
        sourceRow: UnsafePointer<Int32>? = nil, threads: Int = 1
    ) {
        Parallel.ranges(batch, parts: threads, minimum: rowsPerThread) { rows in
            for b in rows {
                // Search shares one encoded sentence among its beams: row b reads
                // source row sourceRow[b] (its lengths, keys and values).
                let s = sourceRow.map { Int($0[b]) } ?? b
                let n = Int(lengths[s])
                let a = alpha + b * S, q = query + b * K
                for j in 0..<n {
                    a[j] = T.dot(q, keys + (s * S + j) * K, count: K)
                }
                softmaxInPlace(a, count: n, padTo: S)
                weightedSum(context + b * D, weights: a, rows: values + s * S * D, count: n, dim: D)
            }
        }
    }

    /// Rows below which a thread is not worth its hand-off.
    @usableFromInline static let rowsPerThread = 16

    /// Backward of `forwardBilinear`.
    /// - Parameters:
    ///   - dQuery: (B, K) output, overwritten.
    ///   - dKeys: (B, S, K) added into. dValues: (B, S, D) added into (may be dKeys for dot).
    ///   - dContext: (B, D) upstream.
    ///   - scratch: (S) working memory (threads > 1 take their own).
    ///   - threads: rows split over this many threads; each row writes only
    ///     its own rows of every output, so the values are the same.
    @inlinable
    public static func backwardBilinear<T: Real>(
        dQuery: UnsafeMutablePointer<T>, dKeys: UnsafeMutablePointer<T>, dValues: UnsafeMutablePointer<T>,
        dContext: UnsafePointer<T>, alpha: UnsafePointer<T>,
        query: UnsafePointer<T>, keys: UnsafePointer<T>, values: UnsafePointer<T>,
        lengths: UnsafePointer<Int32>, batch: Int, srcLen S: Int, keyDim K: Int, valueDim D: Int,
        scratch: UnsafeMutablePointer<T>, threads: Int = 1
    ) {
        Parallel.ranges(batch, parts: threads, minimum: rowsPerThread) { rows in
            if rows.count == batch {  // one part, on this thread: the caller's scratch
                backwardBilinearRows(rows, scratch: scratch, dQuery: dQuery, dKeys: dKeys, dValues: dValues,
                                     dContext: dContext, alpha: alpha, query: query, keys: keys, values: values,
                                     lengths: lengths, srcLen: S, keyDim: K, valueDim: D)
                return
            }
            withUnsafeTemporaryAllocation(of: T.self, capacity: S) { own in
                backwardBilinearRows(rows, scratch: own.baseAddress!, dQuery: dQuery, dKeys: dKeys, dValues: dValues,
                                     dContext: dContext, alpha: alpha, query: query, keys: keys, values: values,
                                     lengths: lengths, srcLen: S, keyDim: K, valueDim: D)
            }
        }
    }

    @inlinable
    static func backwardBilinearRows<T: Real>(
        _ rows: Range<Int>, scratch: UnsafeMutablePointer<T>,
        dQuery: UnsafeMutablePointer<T>, dKeys: UnsafeMutablePointer<T>, dValues: UnsafeMutablePointer<T>,
        dContext: UnsafePointer<T>, alpha: UnsafePointer<T>,
        query: UnsafePointer<T>, keys: UnsafePointer<T>, values: UnsafePointer<T>,
        lengths: UnsafePointer<Int32>, srcLen S: Int, keyDim K: Int, valueDim D: Int
    ) {
        for b in rows {
            let n = Int(lengths[b])
            let a = alpha + b * S, dc = dContext + b * D, q = query + b * K
            let dq = dQuery + b * K
            dq.update(repeating: 0, count: K)
            let dScore = scratch
            scoreGradient(dScore, alpha: a, dContext: dc, values: values + b * S * D, count: n, dim: D)
            for j in 0..<n {
                let ds = dScore[j], aj = a[j]
                let k = keys + (b * S + j) * K, dk = dKeys + (b * S + j) * K
                for p in 0..<K {
                    dq[p] += ds * k[p]
                    dk[p] += ds * q[p]
                }
                let dv = dValues + (b * S + j) * D
                for p in 0..<D { dv[p] += aj * dc[p] }
            }
        }
    }

    /// concat (Bahdanau): projected query pq (B, A), projected keys pk (B, S, A),
    /// v (A), values (B, S, D).
    @inlinable
    public static func forwardConcat<T: Real>(
        alpha: UnsafeMutablePointer<T>, context: UnsafeMutablePointer<T>,
        projQuery: UnsafePointer<T>, projKeys: UnsafePointer<T>, v: UnsafePointer<T>, values: UnsafePointer<T>,
        lengths: UnsafePointer<Int32>, batch: Int, srcLen S: Int, attnDim A: Int, valueDim D: Int,
        sourceRow: UnsafePointer<Int32>? = nil
    ) {
        for b in 0..<batch {
            let s = sourceRow.map { Int($0[b]) } ?? b
            let n = Int(lengths[s])
            let a = alpha + b * S, pq = projQuery + b * A
            for j in 0..<n {
                let pk = projKeys + (s * S + j) * A
                var s: T = 0
                for p in 0..<A { s += v[p] * T.tanh(pq[p] + pk[p]) }
                a[j] = s
            }
            softmaxInPlace(a, count: n, padTo: S)
            weightedSum(context + b * D, weights: a, rows: values + s * S * D, count: n, dim: D)
        }
    }

    /// Backward of `forwardConcat` (recomputes the tanh rather than caching
    /// (B, S, A) per step).
    /// - Parameters:
    ///   - dProjQuery: (B, A) output, overwritten. dProjKeys: (B, S, A) added into.
    ///   - dV: (A) added into. dValues: (B, S, D) added into.
    @inlinable
    public static func backwardConcat<T: Real>(
        dProjQuery: UnsafeMutablePointer<T>, dProjKeys: UnsafeMutablePointer<T>, dV: UnsafeMutablePointer<T>,
        dValues: UnsafeMutablePointer<T>,
        dContext: UnsafePointer<T>, alpha: UnsafePointer<T>,
        projQuery: UnsafePointer<T>, projKeys: UnsafePointer<T>, v: UnsafePointer<T>, values: UnsafePointer<T>,
        lengths: UnsafePointer<Int32>, batch: Int, srcLen S: Int, attnDim A: Int, valueDim D: Int,
        scratch: UnsafeMutablePointer<T>
    ) {
        for b in 0..<batch {
            let n = Int(lengths[b])
            let a = alpha + b * S, dc = dContext + b * D, pq = projQuery + b * A
            let dpq = dProjQuery + b * A
            dpq.update(repeating: 0, count: A)
            let dScore = scratch
            scoreGradient(dScore, alpha: a, dContext: dc, values: values + b * S * D, count: n, dim: D)
            for j in 0..<n {
                let ds = dScore[j], aj = a[j]
                let pk = projKeys + (b * S + j) * A, dpk = dProjKeys + (b * S + j) * A
                for p in 0..<A {
                    let th = T.tanh(pq[p] + pk[p])
                    dV[p] += ds * th
                    let dPre = ds * v[p] * (1 - th * th)
                    dpq[p] += dPre
                    dpk[p] += dPre
                }
                let dv = dValues + (b * S + j) * D
                for p in 0..<D { dv[p] += aj * dc[p] }
            }
        }
    }

    // MARK: Shared pieces

    /// Softmax over a[0..<count]; a[count..<padTo] = 0 (masked positions).
    @inlinable
    static func softmaxInPlace<T: Real>(_ a: UnsafeMutablePointer<T>, count n: Int, padTo S: Int) {
        if n > 0 {
            var m = a[0]
            for j in 1..<n where a[j] > m { m = a[j] }
            var sum: T = 0
            for j in 0..<n { a[j] = T.exp(a[j] - m); sum += a[j] }
            let inv = 1 / sum
            for j in 0..<n { a[j] *= inv }
        }
        for j in n..<S { a[j] = 0 }
    }

    /// out (D) = Σ_j w_j rows_j over j < count.
    @inlinable
    static func weightedSum<T: Real>(_ out: UnsafeMutablePointer<T>, weights w: UnsafePointer<T>,
                                     rows: UnsafePointer<T>, count n: Int, dim D: Int) {
        out.update(repeating: 0, count: D)
        for j in 0..<n {
            let r = rows + j * D, wj = w[j]
            for p in 0..<D { out[p] += wj * r[p] }
        }
    }

    /// ∂loss/∂score_j = α_j (g_j − Σ_i α_i g_i) with g_j = dContext · s_j.
    @inlinable
    static func scoreGradient<T: Real>(_ dScore: UnsafeMutablePointer<T>, alpha a: UnsafePointer<T>,
                                       dContext dc: UnsafePointer<T>, values: UnsafePointer<T>,
                                       count n: Int, dim D: Int) {
        var mean: T = 0
        for j in 0..<n {
            let g = T.dot(dc, values + j * D, count: D)
            dScore[j] = g
            mean += a[j] * g
        }
        for j in 0..<n { dScore[j] = a[j] * (dScore[j] - mean) }
    }
}
