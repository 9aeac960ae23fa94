import S2SCore
/// A batch of sentence pairs as the model consumes it, time-major (row t·B + b
/// is sequence b at step t), padded with `<pad>` (0).
///
///     source        (S, B)  tokens (reversed when the model reverses input), then <EOS>
///     targetInput   (T, B)  <s> y_1 … y_n          the decoder's gold inputs y_{t−1}
///     targetOutput  (T, B)  y_1 … y_n <EOS>        what each step must predict
public struct Batch: Sendable, Equatable {

    public let batchSize: Int
    public let sourceLength: Int
    public let targetLength: Int
    public var source: [Int32]
    public var sourceLengths: [Int32]
    public var targetInput: [Int32]
    public var targetOutput: [Int32]

    /// Target tokens that count in the loss (all but padding).
    public var targetTokens: Int { targetOutput.reduce(0) { $0 + ($1 == SpecialTokens.pad ? 0 : 1) } }

    /// Builds a batch from token ids without specials; appends `<EOS>` to
    /// each source (after reversing it, if asked) and frames each target with
    /// `<s>` … `<EOS>`.
    public init(pairs: [(source: [Int32], target: [Int32])], reverseSource: Bool) {
        let B = pairs.count
        let S = (pairs.map(\.source.count).max() ?? 0) + 1
        let T = (pairs.map(\.target.count).max() ?? 0) + 1
        batchSize = B
        sourceLength = S
        targetLength = T
        source = [Int32](repeating: SpecialTokens.pad, count: S * B)
        targetInput = [Int32](repeating: SpecialTokens.pad, count: T * B)
        targetOutput = [Int32](repeating: SpecialTokens.pad, count: T * B)
        sourceLengths = []
        for (b, pair) in pairs.enumerated() {
            let src = (reverseSource ? Array(pair.source.reversed()) : pair.source) + [SpecialTokens.eos]
            for (t, id) in src.enumerated() { source[t * B + b] = id }
            sourceLengths.append(Int32(src.count))
            targetInput[b] = SpecialTokens.bos
            for (t, id) in pair.target.enumerated() {
                targetInput[(t + 1) * B + b] = id
                targetOutput[t * B + b] = id
            }
            targetOutput[pair.target.count * B + b] = SpecialTokens.eos
        }
    }

    /// The source side only (for translation): no targets.
    public init(sources: [[Int32]], reverseSource: Bool) {
        self.init(pairs: sources.map { ($0, []) }, reverseSource: reverseSource)
    }
}
