internal import Foundation
internal import S2SCore
internal import S2SModel
internal import S2SText

/// A run's newest checkpoints averaged element by element into one
/// parameters file, which a ``Translator`` loads as its `weights`: an
/// average of the last checkpoints usually translates better than any one
/// of them.
///
/// ```swift
/// let averaged = try Averaging.average(modelFolder: "models/bible", last: 3)
/// let translator = try Translator(modelFolder: "models/bible", weights: averaged.output)
/// ```
public enum Averaging {
    /// What was averaged and where it went.
    public struct Result: Sendable, Hashable {
        /// The checkpoints averaged, newest first.
        public let checkpoints: [String]
        /// The file written.
        public let output: String
    }

    /// Averages the newest `last` of MODEL/checkpoints/step-*.safetensors
    /// into `output` (default MODEL/averaged.safetensors), parameters only.
    ///
    /// - Throws: ``S2SError/options(problem:hint:)`` when there is nothing
    ///   to average or `output` is a file of the run itself (its best model
    ///   or a checkpoint, which `--resume` and translation read);
    ///   ``S2SError/input(file:line:problem:hint:)`` naming a checkpoint
    ///   that is not of this run, or the folder busy with a training run.
    public static func average(modelFolder model: String, last: Int = 3, output: String? = nil) throws(S2SError) -> Result {
        guard last >= 1 else { throw .options(problem: "--last must be at least 1.", hint: "") }
        let folder = ModelFolder(path: model)
        let checkpoints = folder.checkpoints()
        guard !checkpoints.isEmpty else {
            throw .options(problem: "\(folder.checkpointFolder) holds no checkpoints: train with s2s-train first.", hint: "")
        }
        let chosen = Array(checkpoints.prefix(last))
        let out = output ?? folder.file(ModelFolder.averagedName)
        let best = folder.bestPath
        // The run's best model and its checkpoints are s2s-train's: --resume reads them.
        if let output, let owned = ([best] + checkpoints).first(where: { sameFile(output, $0) }) {
            throw .options(problem: "--output \(output) is \(owned), which s2s-train wrote (--resume and s2s-translate read it). "
                                    + "Write the average elsewhere, e.g. the default \(model)/averaged.safetensors.", hint: "")
        }
        try S2SError.converting(file: model) {
            // Writing into the model folder: not while a training run owns it
            // (it prunes the checkpoints being read, and owns the folder).
            let lock = output == nil ? try folder.lock() : nil
            defer { lock?.release() }
            try CheckpointAveraging.average(chosen, to: out,
                                            run: FileManager.default.fileExists(atPath: best) ? best : nil)
        }
        return Result(checkpoints: chosen, output: out)
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
}
