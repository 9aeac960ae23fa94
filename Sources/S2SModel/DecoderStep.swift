import S2SCore
import S2SKernels

/// Where one decoder step reads and writes, for `rows` rows: training's
/// workspace at step t (every step's activations kept for the backward) or
/// search's scratch (one step's). `Seq2Seq.decoderStep` is the one decoder
/// step both run; a memory supplies only what differs between them: where a
/// layer's gate products come from (`LayerGates`; training: the embedding
/// half once over the whole sequence, the rest per part on the weights
/// packed for training; search: one pass over [x; h̃; h] on the weights
/// packed for decoding) and dropout (training only).
protocol DecoderStepMemory {
    associatedtype T: Real
    /// Rows stepped together (training: the batch; search: hypotheses).
    var rows: Int { get }
    /// Layer k's input x_k, (rows, width): emb(y_{t−1}) for layer 0 (the
    /// caller writes it); for k ≥ 1 the step writes layer k−1's output.
    func input(layer k: Int) -> UnsafeMutablePointer<T>
    /// Makes layer k's pre-activations complete: b + x_k·W (+ h̃_{t−1}·W_f
    /// in layer 0 with input feeding) + h_{t−1}·U, or h_{t−1}·U + b_h apart
    /// for cells that keep it apart (GRU).
    func formGates(layer k: Int)
    /// Layer k's cell buffers at this step (its gates, h_{t−1} and h_t, c, cache).
    func cell(layer k: Int) -> CellStep<T>
    /// Dropout on layer k's input (k ≥ 1) after the step wrote it.
    func dropInput(layer k: Int, rng: inout SplitMix64)
    /// (rows, H) where the top layer's output h + x goes with residual
    /// connections (two or more layers); nil: the top layer's h is the output.
    var topOutput: UnsafeMutablePointer<T>? { get }
    /// The attention's buffers at this step, its query still to be set.
    var attention: AttentionStep<T> { get }
    /// (rows, 2H) [c_t; h_t], and (rows, H) h̃_t before dropout.
    var cat: UnsafeMutablePointer<T> { get }
    var htilde: UnsafeMutablePointer<T> { get }
    /// W_c packed for the per-step product (nil: OpenBLAS).
    var packedWc: (any MatrixProduct)? { get }
    /// (rows, H) h̃_t as the next step reads it (after dropout); may be `htilde`.
    var feed: UnsafeMutablePointer<T> { get }
    /// Dropout on `feed`.
    func dropFeed(rng: inout SplitMix64)
}

extension Seq2Seq {
    /// One decoder step (Luong et al. 2015) for every row of `m`: each layer
    /// k reads x_k (layer 0: [emb(y_{t−1}); h̃_{t−1}] with input feeding;
    /// above: layer k−1's output h, plus its input with residual
    /// connections); the top layer's output attends over the memory, c_t =
    /// Σ_j α_j s_j, and h̃_t = tanh([c_t; h_t]·W_c) (h̃_t = h_t without
    /// attention) goes to `m.feed`. The output layer (`OutputLayer`) is the
    /// caller's: training projects all steps at once, search one step's rows.
    @inline(__always)
    func decoderStep<M: DecoderStepMemory>(_ m: M, rng: inout SplitMix64) where M.T == T {
        let N = m.rows, H = config.hiddenSize, L = config.layers
        var below = m.cell(layer: 0)
        for k in 0..<L {
            if k > 0 {
                // Layer k reads layer k−1's output: h, plus its input with residual connections.
                let x = m.input(layer: k)
                x.update(from: below.h, count: N * H)
                if config.residual && k > 1 { addInPlace(x, m.input(layer: k - 1), count: N * H) }
                m.dropInput(layer: k, rng: &rng)
            }
            m.formGates(layer: k)
            let step = m.cell(layer: k)
            config.cell.forward(step)
            below = step
        }
        var query = UnsafePointer(below.h)
        if let out = m.topOutput {
            out.update(from: below.h, count: N * H)
            addInPlace(out, m.input(layer: L - 1), count: N * H)
            query = UnsafePointer(out)
        }
        let attention = config.attention
        if !attention.attends {
            m.feed.update(from: query, count: N * H)
        } else {
            var a = m.attention
            a.query = query
            attention.forward(self, a)
            attentionalVector(m.htilde, cat: m.cat, context: a.context, h: query, rows: N, packed: m.packedWc)
            if m.feed != m.htilde { m.feed.update(from: m.htilde, count: N * H) }
        }
        m.dropFeed(rng: &rng)
    }
}

/// Training's decoder step t in the workspace: layer 0's embedding half is
/// already in its pre-activations (one product over the whole sequence under
/// teacher forcing, or over this step's fed tokens); h̃_{t−1} is feed[t] and
/// h̃_t goes to feed[t + 1].
struct TrainingStepMemory<T: Real>: DecoderStepMemory {
    let model: Seq2Seq<T>
    let w: Workspace<T>
    let t: Int
    let rows: Int
    let dropout: Double

    private var B: Int { rows }
    private var H: Int { model.config.hiddenSize }

    func input(layer k: Int) -> UnsafeMutablePointer<T> {
        k == 0 ? w.decEmb + t * B * model.config.embeddingSize : w.decInput[k] + t * B * H
    }

    func formGates(layer k: Int) {
        let layer = w.decLayers[k]
        if k > 0 {
            layer.projectInputs(input(layer: k), from: t, count: 1, batch: B)
        } else if model.config.inputFeeding {
            layer.projectInputs(w.feed + t * B * H, from: t, count: 1, batch: B, weightRows: H,
                                weightOffset: model.config.embeddingSize, accumulate: true)
        }
        layer.addRecurrentProducts(t, batch: B)
    }

    func cell(layer k: Int) -> CellStep<T> { w.decLayers[k].cellStep(t, batch: B, mask: nil) }

    func dropInput(layer k: Int, rng: inout SplitMix64) {
        guard dropout > 0 else { return }
        let x = input(layer: k)
        Dropout.forward(out: x, mask: w.decDropMask[k] + t * B * H, input: x, count: B * H, p: dropout, rng: &rng,
                        threads: KernelThreads.current)
    }

    var topOutput: UnsafeMutablePointer<T>? { w.decTopOut.map { $0 + t * B * H } }

    var attention: AttentionStep<T> {
        let S = w.memoryLength, A = model.config.effectiveAttentionSize
        return AttentionStep(alpha: w.alpha + t * B * S, context: w.ctx, query: w.ctx, keys: w.keys, memory: w.memory,
                             lengths: w.srcLengths, sourceRow: nil, projectedQuery: w.query + t * B * A, batch: B,
                             srcLen: S, hidden: H, attentionSize: A, threads: KernelThreads.current)
    }

    var cat: UnsafeMutablePointer<T> { w.cat + t * B * 2 * H }
    var htilde: UnsafeMutablePointer<T> { w.htilde + t * B * H }
    var packedWc: (any MatrixProduct)? { model.trainingPacks?.wc }
    var feed: UnsafeMutablePointer<T> { w.feed + (t + 1) * B * H }

    func dropFeed(rng: inout SplitMix64) {
        guard dropout > 0 else { return }
        Dropout.forward(out: feed, mask: w.feedMask + t * B * H, input: feed, count: B * H, p: dropout, rng: &rng,
                        threads: KernelThreads.current)
    }
}
