import S2SKernels

/// General attention (Luong et al. 2015): score_j = h_t · (s_j·W_a), the
/// keys s·W_a projected once per source; W_a (H, H).
enum GeneralAttention: AttentionMechanism {
    static let attends = true

    static func addParameters(to layout: inout ParameterLayout, hidden H: Int, attentionSize: Int) {
        layout.add("attention.W_a", [H, H])
    }

    static func keyWidth(hidden: Int, attentionSize: Int) -> Int { hidden }

    static func projectKeys<T: Real>(_ model: Seq2Seq<T>, keys: UnsafeMutablePointer<T>, memory: UnsafePointer<T>, rows: Int) {
        let H = model.config.hiddenSize
        Matmul.gemm(keys, memory, model.parameter("attention.W_a"), m: rows, n: H, k: H)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func forward<T: Real>(_ model: Seq2Seq<T>, _ s: AttentionStep<T>) {
        BilinearAttention.forward(s)
    }

    static func contextGradient<T: Real>(_ w: Workspace<T>, t: Int, batch: Int) -> UnsafeMutablePointer<T> {
        BilinearAttention.contextGradient(w, t: t, batch: batch)
    }

    static func backwardStep<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, t: Int, batch: Int, srcLen: Int,
                                      dContext: UnsafePointer<T>) {
        BilinearAttention.backwardStep(w, keys: w.keys, t: t, batch: batch, srcLen: srcLen, dContext: dContext)
    }

    /// ∂keys, then ∂W_a = memoryᵀ·∂keys and ∂memory += ∂keys·W_aᵀ.
    static func backwardAfterSteps<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, steps: Int, batch B: Int, srcLen S: Int) {
        let H = w.hidden
        BilinearAttention.keyValueGradients(w, dKeys: w.dKeys, steps: steps, batch: B, srcLen: S)
        Matmul.gemm(model.gradient("attention.W_a"), w.memory, w.dKeys, m: H, n: H, k: B * S, transA: true, beta: 1)
        Matmul.gemm(w.dMemory, w.dKeys, model.parameter("attention.W_a"), m: B * S, n: H, k: H, transB: true, beta: 1)
    }
}
