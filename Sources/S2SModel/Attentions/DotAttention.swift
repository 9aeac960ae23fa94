import S2SKernels

/// Dot attention (Luong et al. 2015): score_j = h_t · s_j, no parameters of
/// its own; the memory serves as its keys.
enum DotAttention: AttentionMechanism {
    static let attends = true
    static func addParameters(to layout: inout ParameterLayout, hidden: Int, attentionSize: Int) {}
    static func keyWidth(hidden: Int, attentionSize: Int) -> Int { 0 }
    static func projectKeys<T: Real>(_ model: Seq2Seq<T>, keys: UnsafeMutablePointer<T>, memory: UnsafePointer<T>, rows: Int) {}

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func forward<T: Real>(_ model: Seq2Seq<T>, _ s: AttentionStep<T>) {
        var s = s
        s.keys = s.memory
        BilinearAttention.forward(s)
    }

    static func contextGradient<T: Real>(_ w: Workspace<T>, t: Int, batch: Int) -> UnsafeMutablePointer<T> {
        BilinearAttention.contextGradient(w, t: t, batch: batch)
    }

    static func backwardStep<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, t: Int, batch: Int, srcLen: Int,
                                      dContext: UnsafePointer<T>) {
        BilinearAttention.backwardStep(w, keys: w.memory, t: t, batch: batch, srcLen: srcLen, dContext: dContext)
    }

    static func backwardAfterSteps<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, steps: Int, batch: Int, srcLen: Int) {
        BilinearAttention.keyValueGradients(w, dKeys: w.dMemory, steps: steps, batch: batch, srcLen: srcLen)
    }
}
