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
    /// buffer (the per-step scratch rows of size B·H are left out). With
    /// `keepsShareSum`, one more gradient-sized buffer: where a rank that
    /// computes several shares of a batch adds them up.
    public static func trainingBytes(config c: ModelConfig, shapes: [(batch: Int, source: Int, target: Int)],
                                     keepsShareSum: Bool = false) -> Double {
        let E = Double(c.embeddingSize), H = Double(c.hiddenSize), Hd = Double(c.encoderDirectionSize)
        let L = Double(c.layers), G = Double(c.gateCount), A = Double(c.effectiveAttentionSize)
        let Vt = Double(c.targetVocabularySize)
        let dirs = Double(c.directions)
        // Parameters, gradients, Adam's m and v, and the packs (at most one more copy).
        let persistent = (keepsShareSum ? 6 : 5) * parameters(c)

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

    /// The parameter count of a (validated) configuration: its layout's
    /// entries, without any memory for them.
    public static func parameters(_ c: ModelConfig) -> Double {
        Double(ParameterLayout(config: c).entries.reduce(0) { $0 + $1.count })
    }
}
