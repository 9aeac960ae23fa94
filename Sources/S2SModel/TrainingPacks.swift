import S2SKernels

/// The weights that a training step multiplies a batch of rows (B, e.g. 64)
/// at a time, once per time step, packed for the packed kernel: each layer's
/// `RecurrentPack` (U, Uᵀ, the per-step rows of W and their transpose) and
/// the attentional layer's W_c and W_cᵀ; and the output layer's matrix for
/// ∂x = ∂logits · W_oᵀ (512 rows of 10,000 at a time, where the packed
/// kernel is faster than OpenBLAS split over the cores: ~225 against ~170
/// GFLOP/s). The other large products over a whole sequence or the vocabulary
/// stay with OpenBLAS, which is as fast there.
///
/// Made once per model (Float, AVX-512) and repacked in place from the
/// parameters at every entry that reads them (`forward`, `encode`): the
/// optimizer changes the parameters between steps without telling the
/// model, and repacking (tens of MB at the reference shape) costs a few
/// milliseconds against a step of over a second.
final class TrainingPacks: @unchecked Sendable {
    /// By parameter prefix: `encoder.l0.fwd`, `decoder.l1`, …
    let layers: [String: RecurrentPack]
    /// W_c (2H, H) and its transpose; nil without attention.
    let wc, wcT: PackedMatrix?
    /// (V, H): W_oᵀ, or the target embeddings when tied (logits = x·Embᵀ).
    let outputGradient: PackedMatrix

    /// The precision of every pack (bfloat16: training in bfloat16, `KernelSettings.precision`).
    let precision: PackedMatrix.Precision

    init(config c: ModelConfig, layout: ParameterLayout, parameters: UnsafePointer<Float>,
         precision: PackedMatrix.Precision = .float32) {
        self.precision = precision
        let H = c.hiddenSize, Hd = c.encoderDirectionSize, G = c.gateCount
        func weights(_ prefix: String) -> (UnsafePointer<Float>, UnsafePointer<Float>) {
            (parameters + layout.offset("\(prefix).W"), parameters + layout.offset("\(prefix).U"))
        }
        var layers: [String: RecurrentPack] = [:]
        for k in 0..<c.layers {
            for d in c.bidirectional ? ["fwd", "bwd"] : ["fwd"] {
                let prefix = "encoder.l\(k).\(d)", (W, U) = weights(prefix)
                // The encoder's input projections are whole-sequence GEMMs: no step rows.
                layers[prefix] = RecurrentPack(W: W, U: U, hidden: Hd, gates: G * Hd, stepOffset: 0, stepRows: 0,
                                               precision: precision)
            }
            let prefix = "decoder.l\(k)", (W, U) = weights(prefix)
            // Layer 0: only h̃'s rows are per step (the embeddings' are one GEMM
            // under teacher forcing); layers ≥ 1: all of W.
            let (offset, rows) = k == 0 ? (c.embeddingSize, c.inputFeeding ? H : 0) : (0, H)
            layers[prefix] = RecurrentPack(W: W, U: U, hidden: H, gates: G * H, stepOffset: offset, stepRows: rows,
                                           precision: precision)
        }
        self.layers = layers
        let V = c.targetVocabularySize
        outputGradient = PackedMatrix(depth: V, columns: H, precision: precision)
        output = c.tieTargetEmbeddings
            ? [PackedMatrix.Part(parameters + layout.offset("decoder.embedding"), rows: V)]
            : [PackedMatrix.Part(transposeOf: parameters + layout.offset("output.W"), rows: V, stride: V)]
        if !c.attention.kind.attends {
            wc = nil; wcT = nil; attention = []
        } else {
            let source = parameters + layout.offset("attention.W_c")
            let (wc, wcT) = (PackedMatrix(depth: 2 * H, columns: H, precision: precision),
                             PackedMatrix(depth: H, columns: 2 * H, precision: precision))
            self.wc = wc; self.wcT = wcT
            // W_cᵀ (H, 2H): the transpose of W_c (2H, H), rows H apart.
            attention = [(wc, [PackedMatrix.Part(source, rows: 2 * H)]),
                         (wcT, [PackedMatrix.Part(transposeOf: source, rows: H, stride: H)])]
        }
    }

    /// What `refresh` packs into W_c's two matrices.
    private let attention: [(PackedMatrix, [PackedMatrix.Part])]
    /// What `refresh` packs into `outputGradient`.
    private let output: [PackedMatrix.Part]

    /// Repacks everything from the current parameters.
    func refresh() {
        for pack in layers.values { pack.refresh() }
        for (matrix, parts) in attention { matrix.pack(parts) }
        outputGradient.pack(output)
    }
}
