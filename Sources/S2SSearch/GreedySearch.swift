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
        if sources.isEmpty { return [] }
        let V = scorer.targetVocabularySize
        var outputs = [[Int32]](repeating: [], count: sources.count)
        var active = Array(0..<sources.count)  // sentence of each live row
        var state = scorer.start(sources)
        var previous = [Int32](repeating: bos, count: sources.count)
        let limits = sources.map { Int(Double($0.count) * maxLengthRatio) + maxLengthExtra }
        var t = 0
        while !active.isEmpty {
            let (logProbs, _, next) = scorer.step(previous, state)
            var keep: [Int] = []
            var nextPrevious: [Int32] = []
            for (row, sentence) in active.enumerated() {
                let token = logProbs.withUnsafeBufferPointer {
                    Int32(VectorFloat.maxAndArgmax($0.baseAddress! + row * V, count: V).1)
                }
                if token == eos || t + 1 >= limits[sentence] {
                    if token != eos { outputs[sentence].append(token) }
                } else {
                    outputs[sentence].append(token)
                    keep.append(row)
                    nextPrevious.append(token)
                }
            }
            state = keep.count == active.count ? next : scorer.select(next, rows: keep)
            active = keep.map { active[$0] }
            previous = nextPrevious
            t += 1
        }
        return outputs
    }
}
