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
        let best = model + "/" + "model.safetensors"
        // The run's best model and its checkpoints are s2s-train's: --resume reads them.
        if let output, let owned = ([best] + names.map { folder + "/" + $0 }).first(where: { Self.sameFile(output, $0) }) {
            throw ValidationError("--output \(output) is \(owned), which s2s-train wrote (--resume and s2s-translate read it). "
                                  + "Write the average elsewhere, e.g. the default \(model)/averaged.safetensors.")
        }
        // Writing into the model folder: not while a training run owns it
        // (it prunes the checkpoints being read, and owns the folder).
        let lock = output == nil ? try FolderLock(folder: model) : nil
        defer { lock?.release() }
        try CheckpointAveraging.average(Array(chosen), to: out,
                                        run: FileManager.default.fileExists(atPath: best) ? best : nil)
        StandardError.write("s2s-average: averaged \(chosen.count) checkpoints (\(names.prefix(last).joined(separator: ", "))) into \(out)\n")
    }

    /// Whether two paths name one file (the same folder through any
    /// spelling or link, and the same name), whether or not it exists yet.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        func resolved(_ path: String) -> String {
            let url = URL(fileURLWithPath: path)
            return url.deletingLastPathComponent().resolvingSymlinksInPath().standardizedFileURL.path
                + "/" + url.lastPathComponent
        }
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0 && stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        return resolved(a) == resolved(b)
    }

    static func main() {
        StandardStreams.prepare()
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
