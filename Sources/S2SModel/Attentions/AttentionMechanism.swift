import S2SKernels

/// What one kind of attention (none, dot, general, concat) brings to the
/// decoder: its parameters, the keys it projects once per source, one step's
/// weights α and context c over the memory (the same code in training and in
/// search), and its backward. The decoder around it is shared: h̃ =
/// tanh(W_c [c; h]) for every kind that attends, h̃ = h for none.
/// `ModelConfig.AttentionKind.kind` maps a configuration's attention to its
/// type: a new kind is one new file here and one case.
protocol AttentionMechanism {
    /// Whether the decoder attends at all (an attentional vector with W_c).
    static var attends: Bool { get }
    /// Adds the kind's own parameters (W_c is the decoder's).
    static func addParameters(to layout: inout ParameterLayout, hidden: Int, attentionSize: Int)
    /// Width of the keys projected once per source (memory·W), 0 when the
    /// kind reads the memory itself (dot) or nothing (none).
    static func keyWidth(hidden: Int, attentionSize: Int) -> Int
    /// keys (rows, keyWidth) = memory (rows, H) · the kind's key weights.
    static func projectKeys<T: Real>(_ model: Seq2Seq<T>, keys: UnsafeMutablePointer<T>, memory: UnsafePointer<T>, rows: Int)
    /// One step: α (B, S) and the context c (B, H) of each query (B, H).
    static func forward<T: Real>(_ model: Seq2Seq<T>, _ s: AttentionStep<T>)
    /// Where a training step's ∂c_t goes: kinds that finish their backward
    /// after the step loop keep every step's (dot and general).
    static func contextGradient<T: Real>(_ w: Workspace<T>, t: Int, batch: Int) -> UnsafeMutablePointer<T>
    /// Backward of training step t from ∂c_t: adds ∂query into w.dTop, and
    /// what the kind accumulates over steps.
    static func backwardStep<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, t: Int, batch: Int, srcLen: Int,
                                      dContext: UnsafePointer<T>)
    /// After the step loop: ∂memory, ∂keys and the kind's weight gradients.
    static func backwardAfterSteps<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, steps: Int, batch: Int, srcLen: Int)
}

/// One attention step's buffers, in training (a workspace's rows) and in
/// search (a step's arrays; several rows may read one sentence).
struct AttentionStep<T: Real> {
    /// (B, S) out: the weights, 0 on padding.
    var alpha: UnsafeMutablePointer<T>
    /// (B, H) out: c_t = Σ_j α_j s_j.
    var context: UnsafeMutablePointer<T>
    /// (B, H) the top decoder state h_t.
    var query: UnsafePointer<T>
    /// (sentences, S, keyWidth) projected keys; the memory for dot.
    var keys: UnsafePointer<T>
    /// (sentences, S, H) the encoder's states.
    var memory: UnsafePointer<T>
    /// (sentences) source lengths.
    var lengths: UnsafePointer<Int32>
    /// (B) the sentence each row reads (search's beams); nil: row b reads sentence b.
    var sourceRow: UnsafePointer<Int32>?
    /// (B, A) out: the projected query h_t·W_1 (concat keeps it for the backward).
    var projectedQuery: UnsafeMutablePointer<T>
    var batch, srcLen, hidden, attentionSize, threads: Int
}

/// The one place an attention kind is dispatched on: its type, and its
/// generic steps through switches inlined into the caller (see
/// `ModelConfig.Cell`'s dispatch for why not through the existential).
extension ModelConfig.AttentionKind {
    var kind: any AttentionMechanism.Type {
        switch self {
        case .none: return NoAttention.self
        case .dot: return DotAttention.self
        case .general: return GeneralAttention.self
        case .concat: return ConcatAttention.self
        }
    }

    /// Whether the decoder attends (every kind but none).
    public var attends: Bool { kind.attends }

    @inline(__always)
    func projectKeys<T: Real>(_ model: Seq2Seq<T>, keys: UnsafeMutablePointer<T>, memory: UnsafePointer<T>, rows: Int) {
        switch self {
        case .none: NoAttention.projectKeys(model, keys: keys, memory: memory, rows: rows)
        case .dot: DotAttention.projectKeys(model, keys: keys, memory: memory, rows: rows)
        case .general: GeneralAttention.projectKeys(model, keys: keys, memory: memory, rows: rows)
        case .concat: ConcatAttention.projectKeys(model, keys: keys, memory: memory, rows: rows)
        }
    }

    @inline(__always)
    func forward<T: Real>(_ model: Seq2Seq<T>, _ s: AttentionStep<T>) {
        switch self {
        case .none: NoAttention.forward(model, s)
        case .dot: DotAttention.forward(model, s)
        case .general: GeneralAttention.forward(model, s)
        case .concat: ConcatAttention.forward(model, s)
        }
    }

    @inline(__always)
    func contextGradient<T: Real>(_ w: Workspace<T>, t: Int, batch: Int) -> UnsafeMutablePointer<T> {
        switch self {
        case .none: NoAttention.contextGradient(w, t: t, batch: batch)
        case .dot: DotAttention.contextGradient(w, t: t, batch: batch)
        case .general: GeneralAttention.contextGradient(w, t: t, batch: batch)
        case .concat: ConcatAttention.contextGradient(w, t: t, batch: batch)
        }
    }

    @inline(__always)
    func backwardStep<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, t: Int, batch: Int, srcLen: Int,
                               dContext: UnsafePointer<T>) {
        switch self {
        case .none: NoAttention.backwardStep(model, w, t: t, batch: batch, srcLen: srcLen, dContext: dContext)
        case .dot: DotAttention.backwardStep(model, w, t: t, batch: batch, srcLen: srcLen, dContext: dContext)
        case .general: GeneralAttention.backwardStep(model, w, t: t, batch: batch, srcLen: srcLen, dContext: dContext)
        case .concat: ConcatAttention.backwardStep(model, w, t: t, batch: batch, srcLen: srcLen, dContext: dContext)
        }
    }

    @inline(__always)
    func backwardAfterSteps<T: Real>(_ model: Seq2Seq<T>, _ w: Workspace<T>, steps: Int, batch: Int, srcLen: Int) {
        switch self {
        case .none: NoAttention.backwardAfterSteps(model, w, steps: steps, batch: batch, srcLen: srcLen)
        case .dot: DotAttention.backwardAfterSteps(model, w, steps: steps, batch: batch, srcLen: srcLen)
        case .general: GeneralAttention.backwardAfterSteps(model, w, steps: steps, batch: batch, srcLen: srcLen)
        case .concat: ConcatAttention.backwardAfterSteps(model, w, steps: steps, batch: batch, srcLen: srcLen)
        }
    }
}

/// What dot and general attention share: score_j = h_t · key_j, with the
/// keys the memory itself (dot) or memory·W_a (general). Their ∂keys and
/// ∂values come after the step loop from every step's ∂score and ∂c_t (two
/// products a sentence) rather than a pass over all keys at each step.
enum BilinearAttention {
    @inlinable
    static func forward<T: Real>(_ s: AttentionStep<T>) {
        Attention.forwardBilinear(alpha: s.alpha, context: s.context, query: s.query, keys: s.keys, values: s.memory,
                                  lengths: s.lengths, batch: s.batch, srcLen: s.srcLen, keyDim: s.hidden,
                                  valueDim: s.hidden, sourceRow: s.sourceRow, threads: s.threads)
    }

    static func contextGradient<T: Real>(_ w: Workspace<T>, t: Int, batch B: Int) -> UnsafeMutablePointer<T> {
        w.dContexts + t * B * w.hidden
    }

    /// ∂score and ∂query of step t (keys: the memory for dot, w.keys for general).
    static func backwardStep<T: Real>(_ w: Workspace<T>, keys: UnsafePointer<T>, t: Int, batch B: Int, srcLen S: Int,
                                      dContext: UnsafePointer<T>) {
        let H = w.hidden
        Attention.backwardBilinearQuery(dQuery: w.dQuery, dScore: w.dScores + t * B * S, dContext: dContext,
                                        alpha: w.alpha + t * B * S, keys: keys, values: w.memory, lengths: w.srcLengths,
                                        batch: B, srcLen: S, keyDim: H, valueDim: H, threads: KernelThreads.current)
        for k in 0..<(B * H) { w.dTop[k] += w.dQuery[k] }
    }

    /// ∂keys and ∂values of all steps (dKeys: dMemory for dot, w.dKeys for general).
    static func keyValueGradients<T: Real>(_ w: Workspace<T>, dKeys: UnsafeMutablePointer<T>, steps: Int, batch B: Int,
                                           srcLen S: Int) {
        let H = w.hidden
        Attention.keyValueGradients(dKeys: dKeys, dValues: w.dMemory, dScore: w.dScores, alpha: w.alpha,
                                    query: w.query(step: 0, batch: B), queryStride: B * H, dContext: w.dContexts,
                                    lengths: w.srcLengths, steps: steps, batch: B, srcLen: S, keyDim: H, valueDim: H)
    }
}
