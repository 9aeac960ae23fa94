import ArgumentParser
import S2S

/// s2s-train's output: how often it reports progress (train.jsonl, the
/// status line or a log line) and writes checkpoints, and how many it keeps.
public struct TrainOutputOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Updates between progress records (default: 50).") public var reportEvery: Int?
    @Option(parsing: .unconditional, help: "Updates between checkpoints (default: 500).") public var saveEvery: Int?
    @Option(parsing: .unconditional, help: "Checkpoints to keep besides the best model (default: 3).") public var keep: Int?

    public init() {}

    public func apply(to o: inout Training.Options) {
        o.reportEvery = reportEvery
        o.saveEvery = saveEvery
        o.keepCheckpoints = keep
    }
}
