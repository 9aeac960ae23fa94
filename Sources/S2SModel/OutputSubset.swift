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
    /// (H, C) the output weights of the candidates, and (C) their biases.
    let weights: [T]
    let bias: [T]
    /// `weights` packed like the decoder's output layer (nil: OpenBLAS).
    let packed: PackedMatrix?
    /// The decoder's output layer runs on OpenBLAS in float32 (as measured
    /// fastest), not in `Matmul.precision`.
    let float32: Bool
    /// `weights` quantised, when the decoder's output layer runs in int8.
    let int8: Int8Matrix?

    init(_ model: Seq2Seq<T>, tokens: [Int32]) {
        let c = model.config, H = c.hiddenSize, V = c.targetVocabularySize, C = tokens.count
        self.tokens = tokens
        var w = [T](repeating: 0, count: H * C)
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
        float32 = model.packedDecoder?.output.path == .openblas
        if T.self == Float.self, model.packedDecoder?.output.path == .int8 {
            int8 = w.withUnsafeBufferPointer {
                Int8Matrix(stacking: [(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: Float.self), H)], columns: C)
            }
        } else {
            int8 = nil
        }
        if T.self == Float.self, let precision = model.packedDecoder?.output.packed?.precision {
            packed = w.withUnsafeBufferPointer {
                PackedMatrix(stacking: [(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: Float.self), H)],
                             columns: C, precision: precision)
            }
        } else {
            packed = nil
        }
    }

    /// logits (rows, C) = x·W_C + b_C for x (rows, H).
    func logits(_ out: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, rows: Int, hidden H: Int) {
        let C = tokens.count
        bias.withUnsafeBufferPointer { b in for r in 0..<rows { (out + r * C).update(from: b.baseAddress!, count: C) } }
        if let packed {
            packed.multiply(into: out, x, rows: rows, accumulate: true)
        } else if let int8 {
            int8.multiply(into: out, x, rows: rows, accumulate: true)
        } else {
            weights.withUnsafeBufferPointer {
                Matmul.gemm(out, x, $0.baseAddress!, m: rows, n: C, k: H, beta: 1, precision: float32 ? .float32 : nil)
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
