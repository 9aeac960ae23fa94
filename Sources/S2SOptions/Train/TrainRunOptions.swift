import ArgumentParser
import S2S

/// s2s-train's run control: where the data, the vocabulary and the model
/// folder are, whether the run is new, resumed or repeats a configuration
/// file, and the threads it computes on.
public struct TrainRunOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Data folder written by s2s-prep (data/NAME).", valueName: "DIR")) public var data: String
    @Option(help: ArgumentHelp("Vocabulary folder written by s2s-prep (vocab/NAME).", valueName: "DIR")) public var vocab: String
    @Option(help: ArgumentHelp("Model folder to write (models/NAME).", valueName: "DIR")) public var model: String
    @Flag(help: "Continue the run in --model from its newest readable checkpoint. Stopping, validation, reporting, --pass-tokens and --threads may be given anew; other options may repeat the run's values but not change them.")
    public var resume = false
    @Flag(help: "With --resume: continue on --data although it is not the training data the checkpoint records (another file, more pairs); the data cursor restarts at the first batch.")
    public var newData = false
    @Option(help: ArgumentHelp("Take the model shape and training options from a config.json written by an earlier run (edit a copy to change them); stopping, validation, reporting, --pass-tokens and --threads may be given besides; other options may repeat the file's values but not change them.", valueName: "FILE"))
    public var config: String?
    @OptionGroup public var threads: ThreadsOption

    public init() {}

    public func validate() throws {
        if resume && config != nil {
            throw ValidationError("--resume continues the run stored in --model; --config starts a new one. Give one of them.")
        }
        if newData && !resume {
            throw ValidationError("--new-data continues a run on other training data: give it with --resume.")
        }
    }

    /// How the run starts.
    public var start: Training.Start {
        if resume { return .resume(newData: newData) }
        if let config { return .configuration(file: config) }
        return .new
    }

    public func apply(to o: inout Training.Options) {
        o.threads = threads.threads
    }
}
