import S2SKernels

/// Concat attention (Bahdanau et al. 2015): score_j = vᵀ tanh(h_t·W_1 +
/// s_j·W_2), the keys s·W_2 projected once per source; W_1, W_2 (H, A), v (A).
enum ConcatAttention: AttentionMechanism {
    static let attends = true

    static func addParameters(to layout: inout ParameterLayout, hidden H: Int, attentionSize A: Int) {
        layout.add("attention.W_1", [H, A])
        layout.add("attention.W_2", [H, A])
        layout.add("attention.v", [A])
    }

    static func keyWidth(hidden: Int, attentionSize: Int) -> Int { attentionSize }

    static func projectKeys<T: Real>(_ model: Seq2Seq<T>, keys: UnsafeMutablePointer<T>, memory: UnsafePointer<T>, rows: Int) {
        let c = model.config
        Matmul.gemm(keys, memory, model.parameter("attention.W_2"), m: rows, n: c.effectiveAttentionSize, k: c.hiddenSize)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func forward<T: Real>(_ model: Seq2Seq<T>, _ s: AttentionStep<T>) {
        let A = s.attentionSize, H = s.hidden
        Matmul.gemm(s.projectedQuery, s.query, model.parameter("attention.W_1"), m: s.batch, n: A, k: H)
        Attention.forwardConcat(alpha: s.alpha, context: s.context, projQuery: s.projectedQuery, projKeys: s.keys,
                                v: model.parameter("attention.v"), values: s.memory, lengths: s.lengths,
                                batch: s.batch, srcLen: s.srcLen, attnDim: A, valueDim: H, sourceRow: s.sourceRow)
    }

    static func contextGradient<T: Real>(_ w: Workspace<T>, t: Int, batch: Int) -> UnsafeMutablePointer<T> { w.ctx }

    /// ∂(h_t·W_1), ∂keys and ∂values at step t, ∂v; ∂h_t += ∂(h_t·W_1)·W_1ᵀ.
    static func backwardStep<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, t: Int, batch B: Int, srcLen S: Int,
                                      dContext: UnsafePointer<T>) {
        let H = w.hidden, A = model.config.effectiveAttentionSize
        let dpq = w.dQuery + t * B * A
        Attention.backwardConcat(dProjQuery: dpq, dProjKeys: w.dKeys, dV: model.gradient("attention.v"),
                                 dValues: w.dMemory, dContext: dContext, alpha: w.alpha + t * B * S,
                                 projQuery: w.query + t * B * A, projKeys: w.keys, v: model.parameter("attention.v"),
                                 values: w.memory, lengths: w.srcLengths, batch: B, srcLen: S, attnDim: A,
                                 valueDim: H, scratch: w.scratchS)
        Matmul.gemm(w.dTop, dpq, model.parameter("attention.W_1"), m: B, n: H, k: A, transB: true, beta: 1)
    }

    /// ∂W_2 = memoryᵀ·∂keys, ∂memory += ∂keys·W_2ᵀ, ∂W_1 = Σ_t h_tᵀ·∂(h_t·W_1).
    static func backwardAfterSteps<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, steps: Int, batch B: Int, srcLen S: Int) {
        let H = w.hidden, A = model.config.effectiveAttentionSize
        Matmul.gemm(model.gradient("attention.W_2"), w.memory, w.dKeys, m: H, n: A, k: B * S, transA: true, beta: 1)
        Matmul.gemm(w.dMemory, w.dKeys, model.parameter("attention.W_2"), m: B * S, n: H, k: A, transB: true, beta: 1)
        Matmul.gemm(model.gradient("attention.W_1"), w.query(step: 0, batch: B), w.dQuery, m: H, n: A, k: steps * B,
                    transA: true, beta: 1)
    }
}
