import Foundation
import S2SCore
import S2SModel
import S2SText

/// config.json: the run's model shape and training options, written by
/// s2s-train and read back (validated) by --resume and the fuzz targets.
extension ModelFolder {
    /// The run's configuration as written to config.json.
    public struct RunConfig: Codable, Equatable, Sendable {
        public var model: ModelConfig
        public var training: TrainingOptions
        public var data: String
        public var vocab: String

        public init(model: ModelConfig, training: TrainingOptions, data: String, vocab: String) {
            self.model = model; self.training = training; self.data = data; self.vocab = vocab
        }
    }

    public func writeConfig(_ config: RunConfig) throws {
        try AtomicFile.write(try StableJSON.encode(config), to: configPath)
    }

    public func readConfig() throws -> RunConfig { try Self.readConfig(at: configPath) }

    public static let fixHint = "Correct it (s2s-train --help gives each option's range), or start from a config.json written by s2s-train"

    /// Reads and validates a config.json (snake_case); errors name the file
    /// and the key.
    public static func readConfig(at configPath: String) throws -> RunConfig {
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw InputError(file: configPath, problem: "missing", hint: "Is this a model folder written by s2s-train?")
        }
        let run: RunConfig
        do {
            run = try StableJSON.decoder().decode(RunConfig.self, from: data)
        } catch {
            throw InputError(file: configPath, problem: StableJSON.problem(error, json: data), hint: fixHint)
        }
        do throws(ModelConfig.Invalid) {
            try run.model.validate()
        } catch {
            throw InputError(file: configPath, problem: "model.\(error.key): \(error.message)", hint: fixHint)
        }
        do throws(TrainingOptions.Invalid) {
            try run.training.validate()
        } catch {
            throw InputError(file: configPath, problem: error.description, hint: fixHint)
        }
        return run
    }
}
