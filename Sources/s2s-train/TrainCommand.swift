import ArgumentParser
import Foundation
import S2S
import S2SOptions

@main
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-train",
        abstract: "Train a translation model on data prepared by s2s-prep.",
        discussion: """
            Reads DATA/train.s2sb (and valid.s2sb), trains an LSTM encoder–decoder, and writes \
            MODEL/: config.json, model.safetensors (the best by validation loss), checkpoints/, \
            train.jsonl, and copies of the vocabulary files. Ctrl-C (or SIGTERM) finishes the \
            current step, writes a checkpoint and exits 0; --resume continues from the newest \
            readable checkpoint, exactly as if the run had not stopped.

            Examples:
              s2s-train --data data/bible-en-es --vocab vocab/bible-en-es --model models/bible --preset small --max-time 8h
              s2s-train --data data/bible-en-es --vocab vocab/bible-en-es --model models/bible --resume

            Started by mpirun, it trains data-parallel (Open MPI 4, loaded at run time): each process \
            computes a share of every batch, and rank 0 alone writes MODEL/. The same seed gives the \
            same run on any number of processes (--shares):
              mpirun --allow-run-as-root --mca odls_base_sigkill_timeout 30 -np 2 \\
                s2s-train --data data/bible-en-es --vocab vocab/bible-en-es --model models/bible
            """)

    // Options are nil when not given: --resume and --config must tell an
    // option the user set from its default (the library compares them
    // with the stored run).
    @OptionGroup(title: "Run") var runControl: TrainRunOptions
    @OptionGroup(title: "Model shape") var shape: ModelShapeOptions
    @OptionGroup(title: "Optimisation") var optimization: OptimizationOptions
    @OptionGroup(title: "Schedule and stopping") var schedule: ScheduleOptions
    @OptionGroup(title: "Validation") var validation: TrainValidationOptions
    @OptionGroup(title: "Output") var output: TrainOutputOptions

    /// The library's options: every group's.
    var options: Training.Options {
        var o = Training.Options()
        runControl.apply(to: &o)
        shape.apply(to: &o)
        optimization.apply(to: &o)
        schedule.apply(to: &o)
        validation.apply(to: &o)
        output.apply(to: &o)
        o.statusLine = true
        return o
    }

    func validate() throws {
        // The training options' ranges, as for a config file; a stored
        // run's are checked with the values given over them.
        if case .new = runControl.start { try S2SCommand.usage { () throws(S2SError) in try options.validateForNewRun() } }
    }

    func run() throws {
        Training.stopOnSignals()
        let training = Training(data: runControl.data, vocabulary: runControl.vocab, model: runControl.model,
                                start: runControl.start, options: options)
        var prefix = "s2s-train: "
        let summary = try S2SCommand.usage { () throws(S2SError) in
            try training.run { event in
                switch event {
                case .started(let rank, let processes):
                    if processes > 1 { prefix = "s2s-train (rank \(rank) of \(processes)): " }
                case .message(let message):
                    S2SCommand.report(prefix + message + "\n")
                case .report, .validation:
                    break  // train.jsonl has them; the trainer's status line or messages show them
                }
            }
        }
        guard summary.rank == 0 else { return }
        if summary.cancelled {
            S2SCommand.report(prefix + "stopped at step \(summary.steps); checkpoint written. Resume with: s2s-train --data \(runControl.data) "
                              + "--vocab \(runControl.vocab) --model \(runControl.model) --resume\n")
        } else {
            S2SCommand.report(prefix + String(format: "done: %d steps, last loss %.4f; best model in %@", summary.steps,
                                              summary.lastLoss, summary.modelFile) + "\n")
        }
    }

    static func main() {
        S2SCommand.start(loadsModels: true)
        Training.noteProcessStart()
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
