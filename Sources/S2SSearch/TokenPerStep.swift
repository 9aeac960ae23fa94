import S2SModel
import S2SCore
/// The loop that greedy decoding and sampling share: at each step every live
/// sentence gets one token (`choose`, from its row of log-probabilities),
/// which `take` records; a sentence leaves the batch at `<EOS>` or at its
/// length limit (maxLengthRatio × source length + maxLengthExtra tokens),
/// so the rest run on fewer rows.
enum TokenPerStep {
    /// - Parameters:
    ///   - choose: the token for a row, given its (V) log-probabilities.
    ///   - take: (sentence, token, its row's log-probabilities, its row's
    ///     attention over the source, empty without attention); called for
    ///     `<EOS>` too.
    static func run<S: Scorer>(
        _ scorer: S, sources: [[Int32]], maxLengthRatio: Double, maxLengthExtra: Int,
        choose: (UnsafeBufferPointer<Float>) -> Int32,
        take: (_ sentence: Int, _ token: Int32, _ logProbs: UnsafeBufferPointer<Float>, _ attention: ArraySlice<Float>) -> Void
    ) {
        if sources.isEmpty { return }
        let V = scorer.targetVocabularySize
        var active = Array(0..<sources.count)  // sentence of each live row
        var state = scorer.start(sources)
        var previous = [Int32](repeating: SpecialTokens.bos, count: sources.count)
        let limits = sources.map { Int(Double($0.count) * maxLengthRatio) + maxLengthExtra }
        var t = 0
        while !active.isEmpty {
            let (logProbs, attention, next) = scorer.step(previous, state)
            let S = attention.isEmpty ? 0 : attention.count / active.count
            var keep: [Int] = [], nextPrevious: [Int32] = []
            logProbs.withUnsafeBufferPointer { all in
                for (row, sentence) in active.enumerated() {
                    let lp = UnsafeBufferPointer(rebasing: all[(row * V)..<((row + 1) * V)])
                    let token = choose(lp)
                    take(sentence, token, lp, attention[(row * S)..<((row + 1) * S)])
                    if token != SpecialTokens.eos && t + 1 < limits[sentence] {
                        keep.append(row)
                        nextPrevious.append(token)
                    }
                }
            }
            state = keep.count == active.count ? next : scorer.select(next, rows: keep)
            active = keep.map { active[$0] }
            previous = nextPrevious
            t += 1
        }
    }
}
