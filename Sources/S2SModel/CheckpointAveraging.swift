import Foundation
import S2SCore
import S2SKernels

/// Checkpoint averaging: the element-wise mean of the parameters of several
/// checkpoints of one run — a cheap ensemble in one model, usually a little
/// better than the last checkpoint alone.
public enum CheckpointAveraging {
    /// Averages `paths` and writes a parameters-only checkpoint to
    /// `output`. Every checkpoint must have the configuration of `run`
    /// (the run's own model file, e.g. MODEL/model.safetensors; nil: the
    /// first of `paths`), so that one of another run is the one named.
    /// Returns the configuration.
    @discardableResult
    public static func average(_ paths: [String], to output: String, run: String? = nil) throws -> ModelConfig {
        precondition(!paths.isEmpty)
        let first = try Checkpoint.load(path: paths[0])
        let reference = try run.map { try Checkpoint.load(path: $0) } ?? first
        let layout = ParameterLayout(config: reference.config)
        let sum = Arena<Double>(capacity: layout.count)
        let buffer = Arena<Float>(capacity: layout.count)
        try withExtendedLifetime((sum, buffer)) {
            for path in paths {
                let c = path == paths[0] ? first : try Checkpoint.load(path: path)
                try c.check(config: reference.config, reference: reference.path,
                            hint: "It is not a checkpoint of this run: move it out of \((path as NSString).deletingLastPathComponent)")
                try c.loadParameters(into: buffer.base, layout: layout)
                for k in 0..<layout.count { sum.base[k] += Double(buffer.base[k]) }
            }
            let scale = 1 / Double(paths.count)
            for k in 0..<layout.count { buffer.base[k] = Float(sum.base[k] * scale) }
            try Checkpoint.save(path: output, config: first.config, layout: layout, parameters: buffer.base,
                                metadata: ["s2s.averaged_from": paths.map { ($0 as NSString).lastPathComponent }.joined(separator: ",")])
        }
        return reference.config
    }
}
