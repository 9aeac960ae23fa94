import S2SKernels

/// The output layer (Luong et al. 2015): logits z = h̃·W_o + b_o over the
/// target vocabulary, W_o (H, V), or h̃·Embᵀ with tied embeddings (Emb (V,
/// H)). The one form of the layer's step that training (its loss and its
/// own tokens) and search (a step's log-probabilities) run; its product is
/// a `WeightProduct`: packed for decoding where `packForDecoding` packed it,
/// else `Matmul` on the parameters.
///
/// Or restricted to some target tokens (a lexical shortlist's candidates
/// for one batch of sentences): W_o's columns (or the tied embeddings'
/// rows) and b_o's entries of those tokens, gathered once per batch. A step
/// then computes logits and the log-softmax over the candidates alone,
/// (rows, C) instead of (rows, V); the other tokens get log-probability
/// −∞, so search never chooses them.
struct OutputLayer<T: Real>: @unchecked Sendable {
    /// The candidates, ascending (nil: the whole vocabulary).
    let tokens: [Int32]?
    /// W (H, columns), and b (columns).
    let weights: WeightProduct<T>
    let bias: UnsafePointer<T>
    /// A restriction's (H, C) weights and (C) biases, owned here (the
    /// product may read them on every step).
    private let gathered: Arena<T>?

    /// Over the whole vocabulary, on `packed` (the packed decoder's output
    /// product; nil: `Matmul`).
    init(_ model: Seq2Seq<T>, packed: DecodingMatrix?) {
        let c = model.config, H = c.hiddenSize, V = c.targetVocabularySize
        tokens = nil
        weights = c.tieTargetEmbeddings
            ? WeightProduct(model.parameter("decoder.embedding"), depth: H, columns: V, transposed: true, packed: packed)
            : WeightProduct(model.parameter("output.W"), depth: H, columns: V, packed: packed)
        bias = UnsafePointer(model.parameter("output.b"))
        gathered = nil
    }

    /// Over `tokens` (ascending) only, on the path of the model's packed
    /// output product (Float models packed for decoding; else `Matmul`).
    init(_ model: Seq2Seq<T>, tokens: [Int32]) {
        let c = model.config, H = c.hiddenSize, V = c.targetVocabularySize, C = tokens.count
        self.tokens = tokens
        let memory = Arena<T>(capacity: max(H * C + C, 1))
        let w = memory.base, b = memory.base + H * C
        if c.tieTargetEmbeddings {
            let emb = model.parameter("decoder.embedding")  // (V, H): logits = x·Embᵀ
            for (k, t) in tokens.enumerated() { for j in 0..<H { w[j * C + k] = emb[Int(t) * H + j] } }
        } else {
            let wo = model.parameter("output.W")  // (H, V)
            for j in 0..<H { for (k, t) in tokens.enumerated() { w[j * C + k] = wo[j * V + Int(t)] } }
        }
        let all = model.parameter("output.b")
        for (k, t) in tokens.enumerated() { b[k] = all[Int(t)] }
        var product: DecodingMatrix? = nil
        if T.self == Float.self, let path = model.packedDecoder?.output.path {
            let part = PackedMatrix.Part(UnsafeRawPointer(w).assumingMemoryBound(to: Float.self), rows: H)
            product = DecodingMatrix(stacking: [part], columns: C, path: path)
        }
        weights = WeightProduct(w, depth: H, columns: C, packed: product)
        bias = UnsafePointer(b)
        gathered = memory
    }

    /// Logits per row: V, or C.
    var columns: Int { weights.columns }

    /// logits (rows, columns) = x·W + b for x (rows, H).
    @inline(__always)
    func logits(_ out: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, rows: Int) {
        weights.multiply(into: out, x, rows: rows, accumulate: false, bias: bias)
    }

    /// ∂x (rows, H) += ∂z·Wᵀ for ∂z (rows, columns): the backward to h̃,
    /// on `packed` (Wᵀ packed for training) or `Matmul`.
    func addInputGradient(into dx: UnsafeMutablePointer<T>, _ dLogits: UnsafePointer<T>, rows: Int,
                          packed: (any MatrixProduct)?) {
        WeightProduct(weights.stored, depth: weights.columns, columns: weights.depth, transposed: !weights.transposed,
                      packed: packed)
            .multiply(into: dx, dLogits, rows: rows, accumulate: true)
    }

    /// A search step's (rows, V) log p(y_t | y_<t, x) of h̃ (rows, H), in
    /// `scratch.logProbs`: the log-softmax of the logits over the columns,
    /// written into the candidates' entries of a restriction (its other
    /// entries stay −∞: set when the array is made, and a copy keeps them).
    func logProbabilities(_ scratch: DecoderScratch<T>, _ x: UnsafePointer<T>, rows N: Int, vocabulary V: Int) {
        if scratch.logProbs.count != N * V { scratch.logProbs = [T](repeating: -.infinity, count: N * V) }
        guard let tokens else {
            scratch.logProbs.withUnsafeMutableBufferPointer { out in
                logits(out.baseAddress!, x, rows: N)
                logSoftmaxRows(out.baseAddress!, rows: N, count: V)
            }
            return
        }
        let C = tokens.count
        if scratch.subsetLogits.count < N * C { scratch.subsetLogits = [T](repeating: 0, count: N * C) }
        scratch.subsetLogits.withUnsafeMutableBufferPointer { z in
            let z = z.baseAddress!
            logits(z, x, rows: N)
            logSoftmaxRows(z, rows: N, count: C)
            scratch.logProbs.withUnsafeMutableBufferPointer { out in
                tokens.withUnsafeBufferPointer { tokens in
                    for r in 0..<N {
                        let row = out.baseAddress! + r * V, zr = z + r * C
                        for k in 0..<C { row[Int(tokens[k])] = zr[k] }
                    }
                }
            }
        }
    }
}

extension Seq2Seq {
    /// Restricts every search that `encode` (and so `Scorer.start`) begins
    /// from now on to the target tokens `candidates` picks for its batch of
    /// sources (ids without specials); nil: the whole vocabulary. Set once,
    /// before translating (as `packForDecoding`).
    public func restrictOutput(to candidates: (@Sendable ([[Int32]]) -> [Int32])?) {
        outputCandidates = candidates
    }
}
