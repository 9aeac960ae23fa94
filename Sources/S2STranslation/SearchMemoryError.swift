import S2SCore

/// A search configuration whose worst batch would not fit in memory
/// (`MemoryEstimate.searchBytes`), refused when the model is loaded, before
/// anything is packed or searched. The commands turn it into a usage error
/// (exit 64) that names their options.
public struct SearchMemoryError: Error, CustomStringConvertible {
    public let need: Double
    public let available: Double
    public let batchSize: Int
    public let beamSize: Int
    public let sourceTokens: Int
    /// The option that set `beamSize`: `--beam-size`, or a server's `--max-beam-size`.
    public let beamOption: String

    /// What does not fit.
    public var problem: String {
        "--batch-size \(batchSize) with \(beamOption) \(beamSize) needs about \(SystemMemory.format(bytes: need)) of memory "
            + "for a batch of \(batchSize) lines of \(sourceTokens) subwords (decoder rows, log-probabilities and "
            + "hypotheses for \(batchSize) × \(beamSize) rows), but \(SystemMemory.format(bytes: available)) are available"
    }

    /// What to lower.
    public var hint: String { "Lower --batch-size or \(beamOption) (or --max-source-tokens)." }

    public var description: String { "\(problem). \(hint)" }
}
