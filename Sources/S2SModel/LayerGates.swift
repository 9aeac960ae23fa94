import S2SKernels

/// A recurrent layer's gate pre-activations at a step, (rows, G·H): the
/// one way the encoder, training's decoder and search's decoder form them,
///
///     gates = b + x·W + h_{t−1}·U
///
/// or, for cells that keep the recurrent part apart (GRU, whose reset gate
/// multiplies it), gates = b + x·W and recurrent = b_h + h_{t−1}·U. Each
/// product is a `WeightProduct` (the per-precision product behind one
/// call). The input part may be formed in pieces and ahead of the step:
/// decoder layer 0's x = [emb(y_{t−1}); h̃_{t−1}] (input feeding) takes
/// its embedding half over the whole sequence in training, or from a table
/// of rows per token in search (`EmbeddingGates`); a packed search step
/// stacks [x; h̃; h] under one product (`PackedDecoder`).
enum LayerGates {
    /// The input part: gates = b + x·W for x (rows, W's depth) rows `lda`
    /// apart, or gates += x·W (bias nil: adding a piece of the input).
    @inline(__always)
    static func addInput<T: Real>(into gates: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, rows: Int,
                                  weights: WeightProduct<T>, bias: UnsafePointer<T>?, lda: Int? = nil) {
        weights.multiply(into: gates, x, rows: rows, accumulate: bias == nil, bias: bias, lda: lda)
    }

    /// The recurrent part: gates += h_{t−1}·U, or recurrent = b_h +
    /// h_{t−1}·U for cells that keep it apart (`recurrent` and b_h given).
    @inline(__always)
    static func addRecurrent<T: Real>(into gates: UnsafeMutablePointer<T>, recurrent: UnsafeMutablePointer<T>?,
                                      _ hPrev: UnsafePointer<T>, rows: Int, weights u: WeightProduct<T>,
                                      recurrentBias bh: UnsafePointer<T>?) {
        if let recurrent {
            u.multiply(into: recurrent, hPrev, rows: rows, accumulate: false, bias: bh)
        } else {
            u.multiply(into: gates, hPrev, rows: rows, accumulate: true)
        }
    }
}
