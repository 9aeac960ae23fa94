import ArgumentParser
import Foundation
import S2SCore
import S2SModel

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
        let folder = model + "/checkpoints"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted(by: >)
        guard !names.isEmpty else {
            throw ValidationError("\(folder) holds no checkpoints: train with s2s-train first.")
        }
        let chosen = names.prefix(last).map { folder + "/" + $0 }
        let out = output ?? model + "/averaged.safetensors"
        // Writing into the model folder: not while a training run owns it
        // (it prunes the checkpoints being read, and owns the folder).
        let lock = output == nil ? try FolderLock(folder: model) : nil
        defer { lock?.release() }
        try CheckpointAveraging.average(Array(chosen), to: out)
        FileHandle.standardError.write(Data("s2s-average: averaged \(chosen.count) checkpoints (\(names.prefix(last).joined(separator: ", "))) into \(out)\n".utf8))
    }
}
