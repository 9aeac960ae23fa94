import Foundation
import S2SCore

/// A model's state in one safetensors file (docs/USAGE.md, File formats): every
/// parameter under its `ParameterLayout` name, optional state tensors (Adam
/// moments as `adam.m.<name>` and `adam.v.<name>`), and string metadata: the
/// configuration as JSON under `s2s.config`, `format` = `s2s-checkpoint/1`,
/// and whatever the trainer adds (step, RNG state, data cursor, schedule).
///
///     try Checkpoint.save(path: p, config: c, layout: layout, parameters: params.base,
///                         extra: Checkpoint.tensors(of: layout, in: m.base, prefix: "adam.m."),
///                         metadata: ["step": "1200"])
///     let checkpoint = try Checkpoint.load(path: p)
///     try checkpoint.check(config: c)
///     try checkpoint.loadParameters(into: params.base, layout: layout)
public struct Checkpoint: Sendable {
    public static let format = "s2s-checkpoint/1"
    public static let formatKey = "format"
    public static let configKey = "s2s.config"
    /// Name prefixes of tensors that are training state, not parameters:
    /// a model loads a checkpoint that has them and ignores them.
    public static let stateTensorPrefixes = ["adam.", "sgd."]

    public let path: String
    /// The configuration the checkpoint was trained with.
    public let config: ModelConfig
    /// All metadata, `format` and `s2s.config` included.
    public let metadata: [String: String]
    /// The file itself, for tensors beyond the parameters.
    public let file: SafeTensorsFile

    public static let retrainHint = "Load it with the configuration stored in it (s2s.config), or train a new model"

    // MARK: Saving

    /// Writes the parameters (`layout.count` values at `parameters`), the
    /// extra state tensors and the metadata atomically to `path`. Extra
    /// tensor names must start with one of `stateTensorPrefixes`; metadata
    /// must not use the keys `format` and `s2s.config`, which this writes.
    public static func save(
        path: String, config: ModelConfig, layout: ParameterLayout, parameters: UnsafePointer<Float>,
        extra: [NamedTensor] = [], metadata: [String: String] = [:]
    ) throws(FileError) {
        precondition(metadata[formatKey] == nil && metadata[configKey] == nil,
                     "metadata keys \(formatKey) and \(configKey) are written by Checkpoint.save")
        for t in extra {
            precondition(stateTensorPrefixes.contains { t.name.hasPrefix($0) },
                         "extra tensor \(t.name) must start with one of \(stateTensorPrefixes)")
        }
        var all = metadata
        all[formatKey] = format
        all[configKey] = configJSON(config)
        try SafeTensors.write(tensors: tensors(of: layout, in: parameters) + extra, metadata: all, to: path)
    }

    /// Views of every tensor of `layout` in a flat buffer laid out by it,
    /// named `prefix` + the parameter's name: the parameters themselves
    /// (no prefix), or an optimizer buffer such as Adam's first moments
    /// (`adam.m.`).
    public static func tensors(of layout: ParameterLayout, in buffer: UnsafePointer<Float>, prefix: String = "") -> [NamedTensor] {
        layout.entries.map { NamedTensor(name: prefix + $0.name, shape: $0.shape, data: buffer + $0.offset) }
    }

    /// The configuration as stored under `s2s.config`: the keys of
    /// config.json (snake_case), sorted.
    public static func configJSON(_ config: ModelConfig) -> String {
        // Encoding a validated configuration (finite numbers, booleans,
        // strings) cannot fail.
        String(decoding: (try? StableJSON.encode(config, pretty: false)) ?? [], as: UTF8.self)
    }

    // MARK: Loading

    /// Opens and validates a checkpoint: a well-formed safetensors file with
    /// s2s's format tag and a valid configuration. Tensors are read on demand.
    public static func load(path: String) throws(InputError) -> Checkpoint {
        let file = try SafeTensorsFile(path: path)
        let metadata = file.metadata
        guard let format = metadata[formatKey] else {
            throw InputError(file: path, problem: "is a safetensors file but not an s2s checkpoint (no \"\(formatKey)\" metadata)",
                             hint: "Use a checkpoint written by s2s-train")
        }
        guard format == Self.format else {
            throw InputError(file: path, problem: "has checkpoint format \(format); this s2s reads \(Self.format)",
                             hint: "Use the s2s version that wrote it, or retrain")
        }
        guard let json = metadata[configKey] else {
            throw InputError(file: path, problem: "has no \(configKey) metadata (the model configuration)",
                             hint: SafeTensorsFile.corruptHint)
        }
        let config: ModelConfig
        do {
            config = try StableJSON.decoder().decode(ModelConfig.self, from: Data(json.utf8))
        } catch {
            throw InputError(file: path, problem: "has \(configKey) metadata that is not a model configuration (\(describe(error)))",
                             hint: SafeTensorsFile.corruptHint)
        }
        do throws(ModelConfig.Invalid) {
            try config.validate()
        } catch {
            throw InputError(file: path, problem: "has an invalid \(configKey): \(error.key): \(error.message)",
                             hint: SafeTensorsFile.corruptHint)
        }
        return Checkpoint(path: path, config: config, metadata: metadata, file: file)
    }

    /// Fails unless the checkpoint's configuration is `expected`, naming
    /// every key that differs — against `reference` (the file `expected`
    /// came from) when given, else against "the model" — with `hint`.
    public func check(config expected: ModelConfig, reference: String? = nil, hint: String = retrainHint) throws(InputError) {
        let mine = Self.fields(config), theirs = Self.fields(expected)
        let differences = zip(mine, theirs).filter { $0.value != $1.value }
            .map { "\($0.key) is \($0.value) (" + (reference.map { "\($0) has" } ?? "the model expects") + " \($1.value))" }
        guard differences.isEmpty else {
            throw InputError(file: path, problem: "was trained with another configuration: " + differences.joined(separator: ", "),
                             hint: hint)
        }
    }

    /// Copies every parameter of `layout` into `parameters` (a buffer of
    /// `layout.count` values laid out by it). Checks first, so that a
    /// mismatch leaves the buffer untouched: every parameter must be present
    /// with its shape, and every tensor in the file must be a parameter or
    /// training state (`stateTensorPrefixes`).
    public func loadParameters(into parameters: UnsafeMutablePointer<Float>, layout: ParameterLayout) throws(InputError) {
        for t in file.tensors where layout.entry(t.name) == nil && !Self.stateTensorPrefixes.contains(where: { t.name.hasPrefix($0) }) {
            throw InputError(file: path, problem: "has a tensor \(t.name) \(t.shape) that the model does not have: it was trained with another configuration",
                             hint: Self.retrainHint)
        }
        try loadTensors(prefix: "", into: parameters, layout: layout)
    }

    /// Copies the tensors named `prefix` + each parameter name (such as
    /// Adam's moments, `adam.m.`) into a buffer laid out by `layout`; all of
    /// them must be present with the parameter's shape.
    public func loadTensors(prefix: String, into buffer: UnsafeMutablePointer<Float>, layout: ParameterLayout) throws(InputError) {
        var found: [(SafeTensorsFile.Tensor, ParameterLayout.Entry)] = []
        for e in layout.entries {
            let name = prefix + e.name
            guard let t = file.tensor(name) else {
                throw InputError(file: path, problem: "has no tensor \(name), which the model needs: it was trained with another configuration",
                                 hint: Self.retrainHint)
            }
            guard t.shape == e.shape else {
                throw InputError(file: path, problem: "has \(name) with shape \(t.shape) but the model expects \(e.shape): it was trained with another configuration",
                                 hint: Self.retrainHint)
            }
            found.append((t, e))
        }
        for (t, e) in found { file.copy(t, into: buffer + e.offset) }
    }

    /// Whether the file has any tensor whose name starts with `prefix`
    /// (e.g. whether it holds Adam moments to resume from).
    public func hasTensors(prefix: String) -> Bool {
        file.tensors.contains { $0.name.hasPrefix(prefix) }
    }

    // MARK: Helpers

    /// The configuration's stored properties as (config.json key, value),
    /// in declaration order.
    static func fields(_ config: ModelConfig) -> [(key: String, value: String)] {
        Mirror(reflecting: config).children.map { child in
            (StableJSON.snakeCase(child.label ?? ""), "\(child.value)")
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no key \(StableJSON.snakeCase(key.stringValue))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            guard let key = context.codingPath.last else { return "not valid JSON" }
            return "bad value for \(StableJSON.snakeCase(key.stringValue))"
        default: return "\(error)"
        }
    }
}
