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
        Parallel.ranges(batch, parts: threads, minimum: rowsPerPart(srcLen: S, width: K + D)) { rows in
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

    /// Rows of a forward part: a row costs S·(K + D) multiply-adds (scores,
    /// then the context), and a part of fewer than ~32 K is not worth a
    /// hand-off (beams of one sentence: 5 rows of 512-wide attention over
    /// ~30 positions split).
    @usableFromInline static func rowsPerPart(srcLen S: Int, width: Int) -> Int {
        max(1, min(rowsPerThread, (32 << 10) / max(S * width, 1)))
    }

    /// Backward of `forwardBilinear` for one step: `backwardBilinearQuery`,
    /// then `keyValueGradients` over this one step.
    /// - Parameters:
    ///   - dQuery: (B, K) output, overwritten.
    ///   - dKeys: (B, S, K) added into. dValues: (B, S, D) added into (may be dKeys for dot).
    ///   - dContext: (B, D) upstream.
    ///   - scratch: (B, S) working memory (∂score).
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
        backwardBilinearQuery(dQuery: dQuery, dScore: scratch, dContext: dContext, alpha: alpha, keys: keys,
                              values: values, lengths: lengths, batch: batch, srcLen: S, keyDim: K, valueDim: D,
                              threads: threads)
        keyValueGradients(dKeys: dKeys, dValues: dValues, dScore: scratch, alpha: alpha, query: query,
                          queryStride: batch * K, dContext: dContext, lengths: lengths, steps: 1, batch: batch,
                          srcLen: S, keyDim: K, valueDim: D)
    }

    /// The part of the backward that a step needs at once: ∂score (B, S,
    /// zero past each source length) and ∂query (B, K), overwritten.
    /// Training keeps ∂score and ∂context of every step and adds them into
    /// ∂keys and ∂values after the step loop (`keyValueGradients`): two
    /// products per sentence instead of a pass over all keys and values at
    /// every step (~30 ms of a 1 s training step at the reference shape).
    @inlinable
    public static func backwardBilinearQuery<T: Real>(
        dQuery: UnsafeMutablePointer<T>, dScore: UnsafeMutablePointer<T>, dContext: UnsafePointer<T>,
        alpha: UnsafePointer<T>, keys: UnsafePointer<T>, values: UnsafePointer<T>,
        lengths: UnsafePointer<Int32>, batch: Int, srcLen S: Int, keyDim K: Int, valueDim D: Int, threads: Int = 1
    ) {
        Parallel.ranges(batch, parts: threads, minimum: rowsPerThread) { rows in
            for b in rows {
                let n = Int(lengths[b])
                let ds = dScore + b * S, dq = dQuery + b * K
                scoreGradient(ds, alpha: alpha + b * S, dContext: dContext + b * D, values: values + b * S * D,
                              count: n, dim: D)
                for j in n..<S { ds[j] = 0 }
                dq.update(repeating: 0, count: K)
                for j in 0..<n {
                    let k = keys + (b * S + j) * K, dsj = ds[j]
                    for p in 0..<K { dq[p] += dsj * k[p] }
                }
            }
        }
    }

    /// ∂keys and ∂values of `steps` steps of bilinear attention at once, per
    /// sentence b over its source positions j < length:
    ///
    ///     ∂keys_b   += Σ_t ∂score[t, b]ᵀ · query[t, b]     (S_b, K)
    ///     ∂values_b += Σ_t α[t, b]ᵀ · ∂context[t, b]       (S_b, D)
    ///
    /// - Parameters:
    ///   - dScore, alpha: (steps, B, S). dContext: (steps, B, D).
    ///   - query: step t's (B, K) rows at query + t · queryStride.
    ///   - dKeys, dValues: (B, S, K), (B, S, D) added into (may be one buffer for dot).
    @inlinable
    public static func keyValueGradients<T: Real>(
        dKeys: UnsafeMutablePointer<T>, dValues: UnsafeMutablePointer<T>,
        dScore: UnsafePointer<T>, alpha: UnsafePointer<T>, query: UnsafePointer<T>, queryStride: Int,
        dContext: UnsafePointer<T>, lengths: UnsafePointer<Int32>, steps: Int, batch B: Int,
        srcLen S: Int, keyDim K: Int, valueDim D: Int
    ) {
        for b in 0..<B {
            let n = Int(lengths[b])
            if n == 0 || steps == 0 { continue }
            Matmul.gemm(dValues + b * S * D, alpha + b * S, dContext + b * D, m: n, n: D, k: steps,
                        transA: true, beta: 1, lda: B * S, ldb: B * D, ldc: D)
            Matmul.gemm(dKeys + b * S * K, dScore + b * S, query + b * K, m: n, n: K, k: steps,
                        transA: true, beta: 1, lda: B * S, ldb: queryStride, ldc: K)
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
        if T.self == Float.self {
            func f(_ p: UnsafePointer<T>) -> UnsafePointer<Float> { UnsafeRawPointer(p).assumingMemoryBound(to: Float.self) }
            VectorFloat.weightedSum(UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), weights: f(w),
                                    rows: f(rows), count: n, dim: D)
            return
        }
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
