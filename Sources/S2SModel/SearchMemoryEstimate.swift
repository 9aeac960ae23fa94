extension MemoryEstimate {
    /// What a search configuration holds at its peak, estimated before the
    /// model is packed or anything is searched, so that `--batch-size
    /// 100000000` is refused with the figure instead of dying in the
    /// allocator. The worst case of one batch: `batch` lines of
    /// `sourceTokens` subwords, each searched with `beam` hypotheses to the
    /// length limit (`maxLengthRatio` × source + `maxLengthExtra`). In Double:
    /// any option values get an answer.
    ///
    /// R = batch·beam decoder rows, S = source positions with `<EOS>`,
    /// T = the steps to the length limit:
    /// - the step's (R, V) log-probabilities and the top-k candidates;
    /// - the decoder's per-row scratch (inputs, gates, cell caches, the
    ///   stacked [x; h̃; h], attention, context) and two sets of states
    ///   (a step's and the one `select` gathers into);
    /// - the hypotheses' prefix tree: a node per kept row per step, each with
    ///   its (S) attention row;
    /// - the encoder's memory and activations for the batch's sentences;
    /// - the parameters and their packed decoding copies.
    public static func searchBytes(config c: ModelConfig, batch: Int, beam: Int, sourceTokens: Int,
                                   maxLengthRatio: Double, maxLengthExtra: Int) -> Double {
        let E = Double(c.embeddingSize), H = Double(c.hiddenSize), L = Double(c.layers)
        let G = Double(c.gateCount), A = Double(c.effectiveAttentionSize), V = Double(c.targetVocabularySize)
        let cache = Double(c.cell.kind.cacheWidth(hidden: c.hiddenSize))
        let B = Double(max(batch, 1)), k = Double(max(beam, 1)), R = B * k
        let S = Double(max(sourceTokens, 1)) + 1
        let T = S * max(maxLengthRatio, 0) + Double(maxLengthExtra) + 1
        let step = R * (V + k * 6)  // log-probabilities; candidates (row, token, logP) of 24 bytes
        let scratch = R * (E + L * H + 2 * G * H + cache + E + 3 * H + H + S + H + A + 2 * H)
        let states = 2 * R * (2 * L * H + H)
        let tree = T * R * (S + 2)
        let encoder = B * S * (E + 2 * G * H + 4 * H + A) * L
        return 4 * (step + scratch + states + tree + encoder + 3 * parameters(c))
    }
}
