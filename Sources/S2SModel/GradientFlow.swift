import S2SCore
import S2SKernels

/// The seeds' lesson measured: how large the loss's gradient is with respect
/// to the encoder's hidden state at each source position, ‖∂L/∂h_t‖. In a
/// plain RNN it shrinks (vanishes) or grows (explodes) geometrically towards
/// the start of the sentence, the further the loss is; gates, attention and
/// clipping change that. The state is the first encoder layer's (both
/// directions together), whose gradient comes through time and from above.
extension Seq2Seq {
    /// ‖∂L/∂h_t‖ for t = 0 ..< the batch's source length (positions as
    /// encoded, `<EOS>` last), each the mean over the sentences that reach
    /// position t; L is the batch's mean loss per target token, teacher
    /// forcing, no dropout. Leaves the gradients zero.
    public func gradientFlow(_ batch: Batch) -> [Double] {
        let S = batch.sourceLength, B = batch.batchSize
        zeroGradients()
        dropoutActive = false
        gradientFlowSquares = [Double](repeating: 0, count: S * B)
        defer { dropoutActive = true; gradientFlowSquares = nil; zeroGradients() }
        var rng = SplitMix64(seed: 0)
        _ = forward(batch, training: true, rng: &rng)
        backward()
        let squares = gradientFlowSquares!
        return (0..<S).map { t in
            let rows = (0..<B).filter { t < Int(batch.sourceLengths[$0]) }
            return rows.reduce(0.0) { $0 + squares[t * B + $1].squareRoot() } / Double(max(rows.count, 1))
        }
    }

    /// Dropout as configured, or none while `gradientFlow` measures.
    var activeDropout: Double { dropoutActive ? config.dropout : 0 }

    /// During `gradientFlow`'s backward: Σ_j (∂L/∂h_t[b, j])² of the first
    /// encoder layer, (S, B).
    func recordGradientFlow(_ layer: RecurrentLayer<T>, t: Int, batch B: Int) {
        guard gradientFlowSquares != nil else { return }
        let H = layer.hidden
        for b in 0..<B {
            var sum = 0.0
            for j in 0..<H { let g = Double(layer.dhIn[b * H + j]); sum += g * g }
            gradientFlowSquares![t * B + b] += sum
        }
    }
}
