import S2SKernels

/// The output layer restricted to some target tokens (a lexical shortlist's
/// candidates for one batch of sentences): W_o's columns (or the tied
/// embeddings' rows) and b_o's entries of those tokens, gathered once per
/// batch. A step then computes logits and the log-softmax over the
/// candidates alone, (rows, C) instead of (rows, V); the other tokens get
/// log-probability −∞, so search never chooses them.
final class OutputSubset<T: Real>: @unchecked Sendable {
    /// The candidates, ascending.
    let tokens: [Int32]
    /// (H, C) the output weights of the candidates (owned here: the product
    /// below may read them on every step), and (C) their biases.
    private let weights: UnsafeMutablePointer<T>
    let bias: [T]
    /// `weights` on the path the decoder's output layer runs (nil: a model
    /// not packed for decoding, or Double: `Matmul`).
    private let product: DecodingMatrix?
    private let hidden: Int

    init(_ model: Seq2Seq<T>, tokens: [Int32]) {
        let c = model.config, H = c.hiddenSize, V = c.targetVocabularySize, C = tokens.count
        self.tokens = tokens
        hidden = H
        let w = UnsafeMutablePointer<T>.allocate(capacity: max(H * C, 1))
        if c.tieTargetEmbeddings {
            let emb = model.parameter("decoder.embedding")  // (V, H): logits = x·Embᵀ
            for (k, t) in tokens.enumerated() { for j in 0..<H { w[j * C + k] = emb[Int(t) * H + j] } }
        } else {
            let wo = model.parameter("output.W")  // (H, V)
            for j in 0..<H { for (k, t) in tokens.enumerated() { w[j * C + k] = wo[j * V + Int(t)] } }
        }
        weights = w
        let b = model.parameter("output.b")
        bias = tokens.map { b[Int($0)] }
        if T.self == Float.self, let path = model.packedDecoder?.output.path {
            let part = PackedMatrix.Part(UnsafeRawPointer(w).assumingMemoryBound(to: Float.self), rows: H)
            product = DecodingMatrix(stacking: [part], columns: C, path: path)
        } else {
            product = nil
        }
    }

    deinit { weights.deallocate() }

    /// logits (rows, C) = x·W_C + b_C for x (rows, H).
    func logits(_ out: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, rows: Int) {
        let C = tokens.count
        bias.withUnsafeBufferPointer { b in
            if let product {
                product.multiply(into: out, x, rows: rows, accumulate: false, bias: b.baseAddress!)
            } else {
                broadcastRows(out, b.baseAddress!, rows: rows, width: C)
                Matmul.gemm(out, x, weights, m: rows, n: C, k: hidden, beta: 1)
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
