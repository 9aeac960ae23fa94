import S2SKernels

/// Every activation of one training step, in one arena sized for a shape
/// class (B, S, T): a step allocates nothing; a larger batch makes a new
/// workspace. All buffers are time-major unless noted.
final class Workspace<T: Real> {
    let B, S, T: Int
    /// The activation memory, made once for this shape class.
    let blocks: BlockList<T>

    // Encoder.
    let srcIds: UnsafeMutablePointer<Int32>        // (S, B)
    let srcLengths: UnsafeMutablePointer<Int32>    // (B)
    let srcMask: UnsafeMutablePointer<T>           // (S, B) 1 real, 0 padding
    let encInput: [UnsafeMutablePointer<T>]        // per layer (S, B, in_k), after dropout
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
    let logits: UnsafeMutablePointer<T>            // (chunkRows, V)
    let stepLogits: UnsafeMutablePointer<T>        // (B, V) free-running predictions

    static var chunkRows: Int { 512 }

    init(config c: ModelConfig, layout: ParameterLayout, B: Int, S: Int, T: Int,
         params: UnsafeMutablePointer<T>, grads: UnsafeMutablePointer<T>) {
        self.B = B; self.S = S; self.T = T
        let E = c.embeddingSize, H = c.hiddenSize, Hd = c.encoderDirectionSize, V = c.targetVocabularySize
        let A = c.effectiveAttentionSize, L = c.layers
        blocks = BlockList<T>()
        srcIds = .allocate(capacity: S * B)
        srcLengths = .allocate(capacity: B)
        fedIds = .allocate(capacity: T * B)
        outIds = .allocate(capacity: T * B)
        ownTokens = .allocate(capacity: B)
        let take = blocks.take
        srcMask = take(S * B)
        encInput = (0..<L).map { take(S * B * ($0 == 0 ? E : H)) }
        encDropMask = (0..<L).map { take(S * B * ($0 == 0 ? E : H)) }
        memory = take(B * S * H); dMemory = take(B * S * H)
        dEncOut = take(S * B * H); dEncIn = take(S * B * max(E, H))
        decEmb = take(T * B * E); decEmbMask = take(T * B * E)
        decInput = (0..<L).map { $0 == 0 ? take(0) : take(T * B * H) }
        decDropMask = (0..<L).map { $0 == 0 ? take(0) : take(T * B * H) }
        keys = take(B * S * max(H, A)); dKeys = take(B * S * max(H, A))
        query = take(T * B * A); dQuery = take(T * B * max(A, H))
        alpha = take(T * B * S); cat = take(T * B * 2 * H); htilde = take(T * B * H)
        feed = take((T + 1) * B * H); feedMask = take(T * B * H); dFeed = take((T + 1) * B * H)
        dPre = take(T * B * H); dCat = take(B * 2 * H); dTop = take(B * H); dBelow = take(B * H)
        dEmb = take(T * B * E); scratchS = take(S); ctx = take(B * H); dScratch = take(B * H)
        logits = take(Self.chunkRows * V); stepLogits = take(B * V)
        for k in 0..<L {
            encLayers.append((0..<c.directions).map { d in
                RecurrentLayer(cell: c.cell, hidden: Hd, input: k == 0 ? E : H, reversed: d == 1,
                               prefix: "encoder.l\(k).\(d == 0 ? "fwd" : "bwd")", layout: layout,
                               params: params, grads: grads, steps: S, batch: B, take: take)
            })
        }
        for k in 0..<L {
            decLayers.append(RecurrentLayer(cell: c.cell, hidden: H,
                                            input: k == 0 ? E + (c.inputFeeding ? H : 0) : H,
                                            reversed: false, prefix: "decoder.l\(k)", layout: layout,
                                            params: params, grads: grads, steps: T, batch: B, take: take))
        }
    }

    deinit {
        srcIds.deallocate(); srcLengths.deallocate(); fedIds.deallocate(); outIds.deallocate()
        ownTokens.deallocate()
    }

    func fits(B: Int, S: Int, T: Int) -> Bool { B <= self.B && S <= self.S && T <= self.T }
}

/// Zeroed blocks handed out while a workspace is built and freed with it.
final class BlockList<T: Real> {
    private var blocks: [UnsafeMutablePointer<T>] = []

    func take(_ count: Int) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        blocks.append(p)
        return p
    }

    deinit { for p in blocks { p.deallocate() } }
}
