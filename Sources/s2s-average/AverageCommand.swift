import ArgumentParser
import S2S
import S2SOptions

@main
struct Average: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-average",
        abstract: "Average the parameters of a run's newest checkpoints into one model file.",
        discussion: """
            Reads MODEL/checkpoints/step-*.safetensors, averages the newest --last of them \
            element by element, and writes the result (parameters only) to --output \
            (default MODEL/averaged.safetensors). Translate with it by \
            s2s-translate --model MODEL --weights MODEL/averaged.safetensors.

            Example:
              s2s-average --model models/bible --last 3
            """)

    @Option(help: ArgumentHelp("Model folder written by s2s-train.", valueName: "DIR")) var model: String
    @Option(parsing: .unconditional, help: "How many of the newest checkpoints to average.") var last = 3
    @Option(help: ArgumentHelp("Where to write the averaged model.", valueName: "FILE")) var output: String?

    func validate() throws {
        if last < 1 { throw ValidationError("--last must be at least 1.") }
    }

    func run() throws {
        let result = try S2SCommand.usage { () throws(S2SError) in
            try Averaging.average(modelFolder: model, last: last, output: output)
        }
        let names = result.checkpoints.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        S2SCommand.report("s2s-average: averaged \(names.count) checkpoints (\(names.joined(separator: ", "))) into \(result.output)\n")
    }

    static func main() {
        S2SCommand.start(loadsModels: false)
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
