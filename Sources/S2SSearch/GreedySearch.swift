import S2SCore
import S2SModel

/// Greedy decoding: at each step every sentence takes its most probable
/// token; a sentence ends at `<EOS>` or at the length limit. Finished
/// sentences leave the batch, so the rest run on fewer rows.
public enum GreedySearch {
    /// Token ids of each translation, without `<s>`/`<EOS>`.
    /// Length limit: maxLengthRatio × source length + maxLengthExtra tokens.
    public static func decode<S: Scorer>(_ scorer: S, sources: [[Int32]], maxLengthRatio: Double = 2,
                                         maxLengthExtra: Int = 10) -> [[Int32]] {
        var outputs = [[Int32]](repeating: [], count: sources.count)
        TokenPerStep.run(scorer, sources: sources, maxLengthRatio: maxLengthRatio, maxLengthExtra: maxLengthExtra,
                         choose: LogProbabilities.argmax,
                         take: { sentence, token, _, _ in if token != SpecialTokens.eos { outputs[sentence].append(token) } })
        return outputs
    }
}
