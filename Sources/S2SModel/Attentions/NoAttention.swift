import S2SKernels

/// No attention (Sutskever et al. 2014): the decoder sees the source only
/// through its initial state, and h̃_t = h_t.
enum NoAttention: AttentionMechanism {
    static let attends = false
    static func addParameters(to layout: inout ParameterLayout, hidden: Int, attentionSize: Int) {}
    static func keyWidth(hidden: Int, attentionSize: Int) -> Int { 0 }
    static func projectKeys<T: Real>(_ model: Seq2Seq<T>, keys: UnsafeMutablePointer<T>, memory: UnsafePointer<T>, rows: Int) {}
    static func forward<T: Real>(_ model: Seq2Seq<T>, _ s: AttentionStep<T>) {}
    static func contextGradient<T: Real>(_ w: Workspace<T>, t: Int, batch: Int) -> UnsafeMutablePointer<T> { w.ctx }
    static func backwardStep<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, t: Int, batch: Int, srcLen: Int,
                                      dContext: UnsafePointer<T>) {}
    static func backwardAfterSteps<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, steps: Int, batch: Int, srcLen: Int) {}
}
