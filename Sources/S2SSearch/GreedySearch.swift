import S2SKernels

/// Greedy decoding: at each step every sentence takes its most probable
/// token; a sentence ends at `<EOS>` or at the length limit. Finished
/// sentences leave the batch, so the rest run on fewer rows.
public enum GreedySearch {
    public static let bos: Int32 = 2, eos: Int32 = 3

    /// Token ids of each translation, without `<s>`/`<EOS>`.
    /// Length limit: maxLengthRatio × source length + maxLengthExtra tokens.
    public static func decode<S: Scorer>(_ scorer: S, sources: [[Int32]], maxLengthRatio: Double = 2,
                                         maxLengthExtra: Int = 10) -> [[Int32]] {
        var outputs = [[Int32]](repeating: [], count: sources.count)
        TokenPerStep.run(scorer, sources: sources, maxLengthRatio: maxLengthRatio, maxLengthExtra: maxLengthExtra,
                         choose: { Int32(VectorFloat.maxAndArgmax($0.baseAddress!, count: $0.count).1) },
                         take: { sentence, token, _, _ in if token != eos { outputs[sentence].append(token) } })
        return outputs
    }
}
