import S2SKernels

/// The decoder's weights packed once for decoding (`PackedMatrix`): per
/// layer the gate weights with the recurrent ones stacked under them (LSTM,
/// Elman RNN: [W; U], one pass over [x; h̃; h]) or apart (GRU, whose U has
/// its own bias and reset gate), the attentional layer W_c and the output projection.
/// `Seq2Seq.packForDecoding()` makes it (and packs the encoder's U, see
/// `RecurrentPack`) once the parameters are final, and every decoding step
/// then uses it. Packing once matters because OpenBLAS repacks the weights on
/// every call: with the few rows a decoding step multiplies (beam 5, batch
/// 1), that repacking would be about half of the decoding time. Measurements:
/// docs/PERFORMANCE.md.
final class PackedDecoder: @unchecked Sendable {
    struct Layer {
        /// [W; U] (in + H, G·H); W (in, G·H) for cells that keep h·U apart (GRU).
        let gates: PackedMatrix
        /// U (H, G·H) for cells that keep h·U apart; nil when stacked into `gates`.
        let recurrent: PackedMatrix?
    }
    let layers: [Layer]
    let wc: PackedMatrix?
    let output: PackedMatrix

    init(_ model: Seq2Seq<Float>, precision: PackedMatrix.Precision) {
        let c = model.config, H = c.hiddenSize, g = c.gateCount * H, E = c.embeddingSize
        layers = (0..<c.layers).map { k in
            let p = "decoder.l\(k)"
            let input = k == 0 ? E + (c.inputFeeding ? H : 0) : H
            let W = UnsafePointer(model.parameter("\(p).W")), U = UnsafePointer(model.parameter("\(p).U"))
            if c.cell.kind.keepsRecurrentApart {
                return Layer(gates: PackedMatrix(stacking: [(W, input)], columns: g, precision: precision),
                             recurrent: PackedMatrix(stacking: [(U, H)], columns: g, precision: precision))
            }
            return Layer(gates: PackedMatrix(stacking: [(W, input), (U, H)], columns: g, precision: precision), recurrent: nil)
        }
        wc = !c.attention.kind.attends ? nil
            : PackedMatrix(stacking: [(UnsafePointer(model.parameter("attention.W_c")), 2 * H)], columns: H, precision: precision)
        let V = c.targetVocabularySize
        if c.tieTargetEmbeddings {
            // The output weights are the embeddings (V, E) transposed.
            let emb = model.parameter("decoder.embedding")
            var t = [Float](repeating: 0, count: H * V)
            for v in 0..<V { for j in 0..<H { t[j * V + v] = emb[v * H + j] } }
            output = t.withUnsafeBufferPointer { PackedMatrix(stacking: [($0.baseAddress!, H)], columns: V, precision: precision) }
        } else {
            output = PackedMatrix(stacking: [(UnsafePointer(model.parameter("output.W")), H)], columns: V, precision: precision)
        }
    }
}

extension Seq2Seq where T == Float {
    /// Packs the decoder's weights for fast decoding of small batches (beam
    /// search over one or a few sentences). Call once the parameters are
    /// final (after loading a model to translate with); a later change to
    /// the parameters is not seen until this is called again. Does nothing
    /// where the CPU lacks the packed kernel (then OpenBLAS does the work).
    /// `.bfloat16` rounds the packed weights and the products' inputs to
    /// bfloat16 (faster, slightly different scores); it needs
    /// `PackedMatrix.isBFloat16Available`.
    public func packForDecoding(precision: PackedMatrix.Precision = .float32) {
        packedDecoder = nil
        recurrentPacks = [:]
        trainingPacks = nil
        workspace = nil  // the next one hands the encoder's packed U to its layers
        guard PackedMatrix.isAvailable else { return }
        packedDecoder = PackedDecoder(self, precision: precision)
        recurrentPacks = Self.makeRecurrentPacks(config: config, layout: layout, parameters: parameters.base,
                                                 precision: precision)
    }

    /// Whether `packForDecoding` packed the weights.
    public var isPackedForDecoding: Bool { packedDecoder != nil }

    /// The precision of the packed weights (nil: not packed).
    public var packedPrecision: PackedMatrix.Precision? { packedDecoder?.output.precision }
}
