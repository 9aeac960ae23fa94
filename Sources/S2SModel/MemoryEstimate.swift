/// What a training run of a configuration will hold in memory, estimated
/// before anything is allocated, so that an impossible configuration
/// (`--hidden-size 100000`) is refused with the figure instead of dying in
/// the allocator. Computed in Double: a configuration too large for Int
/// arithmetic still gets an answer.
public enum MemoryEstimate {
    /// Bytes of parameters, gradients, Adam's two moments, the packed copies
    /// of the per-step weights, and the activations of the largest batch
    /// (`shapes`: sentences, source and target lengths with `<EOS>`),
    /// following `Workspace` and `RecurrentLayer.activationSizes` buffer by
    /// buffer (the per-step scratch rows of size B·H are left out).
    public static func trainingBytes(config c: ModelConfig, shapes: [(batch: Int, source: Int, target: Int)]) -> Double {
        let E = Double(c.embeddingSize), H = Double(c.hiddenSize), Hd = Double(c.encoderDirectionSize)
        let L = Double(c.layers), G = Double(c.gateCount), A = Double(c.effectiveAttentionSize)
        let Vt = Double(c.targetVocabularySize)
        let dirs = Double(c.directions)
        // Parameters, gradients, Adam's m and v, and the packs (at most one more copy).
        let persistent = 5 * parameters(c)

        var B = 0.0, SB = 0.0, TB = 0.0, TBS = 0.0
        for s in shapes {
            let b = Double(s.batch), S = Double(s.source), T = Double(s.target)
            B = max(B, b); SB = max(SB, S * b); TB = max(TB, T * b); TBS = max(TBS, T * b * S)
        }
        // A recurrent layer over n = steps·B rows: RecurrentLayer.activationSizes.
        func recurrent(_ hidden: Double, _ n: Double) -> Double {
            let kind = c.cell.kind
            let g = G * hidden * n
            let states = 2 * (n + 2 * B) * hidden
            return g + (kind.keepsRecurrentApart ? 2 * g : 0) + states + n * Double(kind.cacheWidth(hidden: Int(hidden)))
        }
        let encoder = SB * (1 + 2 * (E + (L - 1) * H) + 3 * H + max(E, H) + 2 * max(H, A))
            + L * dirs * recurrent(Hd, SB)
        let decoder = TB * (3 * E + 2 * (L - 1) * H + A + max(A, H) + 11 * H) + 2 * TBS
            + L * recurrent(H, TB)
        let output = 512 * Vt + B * Vt  // logits of one chunk, one step's logits
        return 4 * (persistent + encoder + decoder + output)
    }

    /// The parameter count of `ParameterLayout.of(c)` (to within its
    /// alignment padding), without building the layout: embeddings, both
    /// directions' layers (GRU: a second bias), attention, W_c, the output
    /// layer.
    public static func parameters(_ c: ModelConfig) -> Double {
        let E = Double(c.embeddingSize), H = Double(c.hiddenSize), Hd = Double(c.encoderDirectionSize)
        let L = Double(c.layers), G = Double(c.gateCount)
        let Vs = Double(c.sourceVocabularySize), Vt = Double(c.targetVocabularySize)
        let biases = c.cell.kind.keepsRecurrentApart ? 2.0 : 1.0
        let encoder = Double(c.directions) * ((E + (L - 1) * H) * G * Hd + L * (Hd * G * Hd + biases * G * Hd))
        let decoder = (E + (c.inputFeeding ? H : 0) + (L - 1) * H) * G * H + L * (H * G * H + biases * G * H)
        let attention: Double
        switch c.attention {
        case .none, .dot: attention = 0
        case .general: attention = H * H
        case .concat: let A = Double(c.effectiveAttentionSize); attention = 2 * H * A + A
        }
        let combine = c.attention == .none ? 0 : 2 * H * H
        return Vs * E + Vt * E + encoder + decoder + attention + combine + (c.tieTargetEmbeddings ? 0 : H * Vt) + Vt
    }
}
