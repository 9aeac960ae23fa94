/// Where a preparation is, reported after every batch of pairs
/// (`Preparation.progress`): which pass over which split, the pairs done,
/// and how much of the pass's input has been read, from which a caller
/// draws a bar with the rate and the time left.
public struct PrepProgress: Sendable, Equatable {
    public enum Pass: String, Sendable {
        /// Normalising and segmenting the text (pass 1).
        case read = "reading"
        /// Counting the words of the --bpe-sample pairs.
        case sample = "sampling"
        /// Applying BPE, counting the subwords (pass 2).
        case count = "counting"
        /// Writing the shards (pass 3).
        case write = "writing"
    }

    public var pass: Pass
    public var split: String
    public var pairs: Int
    /// Of the pass's input over this split (nil: unknown, as for a pipe).
    public var fraction: Double?
    /// Seconds since this pass over this split began.
    public var seconds: Double
    /// The pass over this split is over.
    public var finished: Bool
}
