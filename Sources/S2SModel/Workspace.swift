import S2SKernels

/// How much a workspace holds: the largest B, S and T seen, and the largest
/// products S·B, T·B and T·B·S — buffers are sized by the products, so a
/// token-budget batcher (many short or few long sentences) stays within a
/// bounded memory instead of max(B) × max(S).
struct WorkspaceCapacity: Equatable {
    var b = 0, s = 0, t = 0, sb = 0, tb = 0, tbs = 0

    init() {}

    init(B: Int, S: Int, T: Int) {
        b = B; s = S; t = T; sb = S * B; tb = T * B; tbs = T * B * S
    }

    func covers(_ o: WorkspaceCapacity) -> Bool {
        o.b <= b && o.s <= s && o.t <= t && o.sb <= sb && o.tb <= tb && o.tbs <= tbs
    }

    /// The same batch with the source and target lengths `factor` times as
    /// long (rounded up).
    func grown(by factor: Double) -> WorkspaceCapacity {
        var g = self
        let s2 = Int((Double(s) * factor).rounded(.up)), t2 = Int((Double(t) * factor).rounded(.up))
        g.s = s2; g.t = t2
        g.sb = s == 0 ? 0 : sb / s * s2
        g.tb = t == 0 ? 0 : tb / t * t2
        g.tbs = s == 0 || t == 0 ? 0 : tbs / (s * t) * s2 * t2
        return g
    }

    func union(_ o: WorkspaceCapacity) -> WorkspaceCapacity {
        var u = WorkspaceCapacity()
        u.b = max(b, o.b); u.s = max(s, o.s); u.t = max(t, o.t)
        u.sb = max(sb, o.sb); u.tb = max(tb, o.tb); u.tbs = max(tbs, o.tbs)
        return u
    }
}

/// Every activation of one training step, allocated once for a capacity
/// (see `WorkspaceCapacity`): a step allocates nothing; a batch beyond the
/// capacity makes a new workspace. All buffers are time-major unless noted.
final class Workspace<T: Real> {
    let capacity: WorkspaceCapacity
    /// H, the decoder's hidden size (the width of most buffers below).
    let hidden: Int
    /// The activation memory, made once for this shape class.
    let blocks: BlockList<T>

    // Encoder.
    let srcIds: UnsafeMutablePointer<Int32>        // (S, B)
    let srcLengths: UnsafeMutablePointer<Int32>    // (B)
    let srcMask: UnsafeMutablePointer<T>           // (S, B) 1 real, 0 padding
    let encInput: [UnsafeMutablePointer<T>]        // per layer (S_k, B, in_k), after dropout
    /// Per layer above the first of a pyramidal encoder, (S_k, B): 1 for a
    /// real position, 0 for padding (layer 0 reads `srcMask`).
    let encMask: [UnsafeMutablePointer<T>]
    /// Steps of each encoder layer in the last encode (S, or halved per
    /// layer in a pyramid), and of the memory attention reads.
    var encSteps: [Int] = []
    var memoryLength: Int { encSteps.last ?? 0 }
    let encDropMask: [UnsafeMutablePointer<T>]     // per layer, same size
    var encLayers: [[RecurrentLayer<T>]] = []      // [layer][direction]
    let memory: UnsafeMutablePointer<T>            // (B, S, H) batch-major: top layer, directions concatenated
    let dMemory: UnsafeMutablePointer<T>           // (B, S, H)
    let dEncOut: UnsafeMutablePointer<T>           // (S, B, H) ∂ of a layer's output
    let dEncIn: UnsafeMutablePointer<T>            // (S, B, max(E, H)) ∂ of a layer's input

    // Decoder.
    let fedIds: UnsafeMutablePointer<Int32>        // (T, B) the tokens actually fed
    let outIds: UnsafeMutablePointer<Int32>        // (T, B) targets
    let decEmb: UnsafeMutablePointer<T>            // (T, B, E) after dropout
    let decEmbMask: UnsafeMutablePointer<T>
    let decInput: [UnsafeMutablePointer<T>]        // layers ≥ 1: (T, B, H) after dropout
    let decDropMask: [UnsafeMutablePointer<T>]
    var decLayers: [RecurrentLayer<T>] = []
    let keys: UnsafeMutablePointer<T>              // general: (B, S, H) = memory·W_a; concat: (B, S, A) = memory·W_2
    let dKeys: UnsafeMutablePointer<T>
    let query: UnsafeMutablePointer<T>             // concat: (T, B, A) = h_top·W_1
    let dQuery: UnsafeMutablePointer<T>            // concat: (T, B, A); dot/general: (B, H) scratch
    let alpha: UnsafeMutablePointer<T>             // (T, B, S)
    let dScores: UnsafeMutablePointer<T>           // dot/general: (T, B, S) ∂score of every step
    let dContexts: UnsafeMutablePointer<T>         // dot/general: (T, B, H) ∂c_t of every step
    let cat: UnsafeMutablePointer<T>               // (T, B, 2H) [c_t; h_t]
    let htilde: UnsafeMutablePointer<T>            // (T, B, H) tanh(cat·W_c), before dropout
    let feed: UnsafeMutablePointer<T>              // (T + 1, B, H) h̃ after dropout; row 0 = zeros (h̃_{−1})
    let feedMask: UnsafeMutablePointer<T>          // (T, B, H)
    let dFeed: UnsafeMutablePointer<T>             // (T + 1, B, H)
    let dPre: UnsafeMutablePointer<T>              // (T, B, H) ∂ before the tanh of h̃
    let dCat: UnsafeMutablePointer<T>              // (B, 2H)
    let dTop: UnsafeMutablePointer<T>              // (B, H) ∂h of the top layer at a step
    let dBelow: UnsafeMutablePointer<T>            // (B, H) ∂ of a layer's input at a step
    let dEmb: UnsafeMutablePointer<T>              // (T, B, E)
    let ctx: UnsafeMutablePointer<T>               // (B, H) scratch: c_t, or ∂c_t
    let dScratch: UnsafeMutablePointer<T>          // (B, H) scratch for gathers
    let ownTokens: UnsafeMutablePointer<Int32>     // (B) the model's own previous tokens
    let scratchS: UnsafeMutablePointer<T>          // (S) attention scratch
    /// (T, B, H) the top layer's output h + x with residual connections
    /// (two or more layers): the attention's query; nil: the query is h.
    let decTopOut: UnsafeMutablePointer<T>?
    let dResidual: UnsafeMutablePointer<T>         // (B, H) ∂ of a residual layer's output at a step
    let logits: UnsafeMutablePointer<T>            // (chunkRows, V)
    let stepLogits: UnsafeMutablePointer<T>        // (B, V) free-running predictions

    static var chunkRows: Int { 512 }

    init(config c: ModelConfig, layout: ParameterLayout, capacity: WorkspaceCapacity,
         params: UnsafeMutablePointer<T>, grads: UnsafeMutablePointer<T>, packs: [String: RecurrentPack] = [:]) {
        self.capacity = capacity
        hidden = c.hiddenSize
        let B = capacity.b, S = capacity.s, SB = capacity.sb, TB = capacity.tb, TBS = capacity.tbs
        let E = c.embeddingSize, H = c.hiddenSize, Hd = c.encoderDirectionSize, V = c.targetVocabularySize
        let A = c.effectiveAttentionSize, L = c.layers
        blocks = BlockList<T>()
        srcIds = .allocate(capacity: SB)
        srcLengths = .allocate(capacity: B)
        fedIds = .allocate(capacity: TB)
        outIds = .allocate(capacity: TB)
        ownTokens = .allocate(capacity: B)
        let take = blocks.take
        srcMask = take(SB)
        // Rows of encoder layer k: S·B, or in a pyramid at most ⌈S/2^k⌉·B.
        let encRows = (0..<L).map { k in c.pyramid ? SB / (1 << k) + 2 * B : SB }
        encInput = (0..<L).map { take(encRows[$0] * c.encoderInputWidth(layer: $0)) }
        encDropMask = (0..<L).map { take(encRows[$0] * c.encoderInputWidth(layer: $0)) }
        encMask = (0..<L).map { c.pyramid && $0 > 0 ? take(encRows[$0]) : take(0) }
        memory = take(SB * H); dMemory = take(SB * H)
        dEncOut = take(SB * H)
        dEncIn = take((0..<L).map { encRows[$0] * c.encoderInputWidth(layer: $0) }.max() ?? 0)
        decEmb = take(TB * E); decEmbMask = take(TB * E)
        decInput = (0..<L).map { $0 == 0 ? take(0) : take(TB * H) }
        decDropMask = (0..<L).map { $0 == 0 ? take(0) : take(TB * H) }
        keys = take(SB * max(H, A)); dKeys = take(SB * max(H, A))
        query = take(TB * A); dQuery = take(TB * max(A, H))
        alpha = take(TBS); dScores = take(TBS); dContexts = take(TB * H)
        cat = take(TB * 2 * H); htilde = take(TB * H)
        feed = take((TB + B) * H); feedMask = take(TB * H); dFeed = take((TB + B) * H)
        dPre = take(TB * H); dCat = take(B * 2 * H); dTop = take(B * H); dBelow = take(B * H)
        dEmb = take(TB * E); scratchS = take(S); ctx = take(B * H); dScratch = take(B * H)
        logits = take(Self.chunkRows * V); stepLogits = take(B * V)
        decTopOut = c.residual && L > 1 ? take(TB * H) : nil
        dResidual = take(B * H)
        for k in 0..<L {
            encLayers.append((0..<c.directions).map { d in
                RecurrentLayer(cell: c.cell, hidden: Hd, input: c.encoderInputWidth(layer: k), reversed: d == 1,
                               prefix: "encoder.l\(k).\(d == 0 ? "fwd" : "bwd")", layout: layout,
                               params: params, grads: grads, stepsTimesBatch: encRows[k], batch: B, take: take,
                               pack: packs["encoder.l\(k).\(d == 0 ? "fwd" : "bwd")"])
            })
        }
        for k in 0..<L {
            decLayers.append(RecurrentLayer(cell: c.cell, hidden: H,
                                            input: k == 0 ? E + (c.inputFeeding ? H : 0) : H,
                                            reversed: false, prefix: "decoder.l\(k)", layout: layout,
                                            params: params, grads: grads, stepsTimesBatch: TB, batch: B, take: take,
                                            pack: packs["decoder.l\(k)"]))
        }
    }

    deinit {
        srcIds.deallocate(); srcLengths.deallocate(); fedIds.deallocate(); outIds.deallocate()
        ownTokens.deallocate()
    }

    func fits(_ need: WorkspaceCapacity) -> Bool { capacity.covers(need) }

    /// The attention's query at step t, (B, H): the top decoder layer's
    /// output (h, or h + x with residual connections).
    func query(step t: Int, batch B: Int) -> UnsafeMutablePointer<T> {
        if let decTopOut { return decTopOut + t * B * hidden }
        let top = decLayers[decLayers.count - 1]
        return top.h(top.stateRow(t), B)
    }
}

/// Zeroed blocks handed out while a workspace is built and freed with it.
/// Large ones come from `ZeroedMemory`, so the training-only buffers of a
/// workspace that only translates never become resident.
final class BlockList<T: Real> {
    private var blocks: [(pointer: UnsafeMutablePointer<T>, count: Int, mapped: Bool)] = []

    func take(_ count: Int) -> UnsafeMutablePointer<T> {
        let mapped = count * MemoryLayout<T>.stride >= 1 << 16
        let p: UnsafeMutablePointer<T>
        if mapped {
            p = ZeroedMemory.allocate(T.self, count: count)
        } else {
            p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
        }
        blocks.append((p, count, mapped))
        return p
    }

    deinit {
        for b in blocks {
            if b.mapped { ZeroedMemory.deallocate(b.pointer, count: b.count) } else { b.pointer.deallocate() }
        }
    }
}
