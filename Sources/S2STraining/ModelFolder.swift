import Foundation
import S2SCore
import S2SModel
import S2SText

/// `models/NAME/`: config.json, model.safetensors (best by validation loss),
/// checkpoints/step-NNNNNNNN.safetensors (the last few), train.jsonl, and
/// copies of the vocabulary folder's files, so the folder is self-contained.
public struct ModelFolder: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var configPath: String { path + "/config.json" }
    public var bestPath: String { path + "/model.safetensors" }
    public var logPath: String { path + "/train.jsonl" }
    public var checkpointFolder: String { path + "/checkpoints" }

    public func checkpointPath(step: Int) -> String {
        checkpointFolder + "/" + String(format: "step-%08d.safetensors", step)
    }

    /// Checkpoint files, newest first.
    public func checkpoints() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointFolder)) ?? []
        return names.filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted(by: >)
            .map { checkpointFolder + "/" + $0 }
    }

    /// Deletes all but the newest `keep` checkpoints.
    public func prune(keep: Int) {
        for old in checkpoints().dropFirst(max(keep, 1)) { try? FileManager.default.removeItem(atPath: old) }
    }

    /// What in the folder belongs to a run (config, best model, log,
    /// checkpoints): a new run must not start over any of it.
    public func existingRunFiles() -> [String] {
        var found = [configPath, bestPath, logPath].filter { FileManager.default.fileExists(atPath: $0) }
        found += checkpoints()
        return found
    }

    /// The vocabulary files a resumed run is given must be the ones it was
    /// trained with (the folder's copies): other ids would make another model.
    public func checkSameVocabulary(as vocabFolder: String) throws {
        for name in ["src.vocab", "tgt.vocab", "bpe.codes"] {
            let given = FileManager.default.contents(atPath: vocabFolder + "/" + name)
            let stored = FileManager.default.contents(atPath: path + "/" + name)
            if let stored, given != stored {
                throw InputError(file: vocabFolder + "/" + name,
                                 problem: "differs from the copy the run in \(path) was trained with",
                                 hint: "Resume with the --vocab the run started with (\(path) holds copies of its files)")
            }
        }
    }

    /// Copies the vocabulary folder's files in (atomically each).
    public func copyVocabulary(from vocabFolder: String) throws {
        for name in ["prep.json", "bpe.codes", "src.vocab", "tgt.vocab"] {
            let from = vocabFolder + "/" + name
            guard let data = FileManager.default.contents(atPath: from) else {
                throw InputError(file: from, problem: "missing", hint: "Run s2s-prep to write the vocabulary folder")
            }
            try AtomicFile.write(Array(data), to: path + "/" + name)
        }
        // The lexical shortlist (s2s-translate --shortlist), where s2s-prep wrote one.
        let shortlist = vocabFolder + "/" + LexicalShortlist.fileName
        if let data = FileManager.default.contents(atPath: shortlist) {
            try AtomicFile.write(Array(data), to: path + "/" + LexicalShortlist.fileName)
        }
    }

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

    /// Reads a config.json (snake_case); errors name the file and the key.
    public static func readConfig(at configPath: String) throws -> RunConfig {
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw InputError(file: configPath, problem: "missing", hint: "Is this a model folder written by s2s-train?")
        }
        let run: RunConfig
        do {
            run = try StableJSON.decoder().decode(RunConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw InputError(file: configPath,
                             problem: "lacks the key \(StableJSON.keyPath(context.codingPath + [key]))",
                             hint: "Start from a config.json written by s2s-train")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            throw InputError(file: configPath,
                             problem: "has a bad value at \(StableJSON.keyPath(context.codingPath)): \(context.debugDescription)",
                             hint: "Start from a config.json written by s2s-train")
        } catch {
            throw InputError(file: configPath, problem: "is not a valid s2s-train configuration: \(error)",
                             hint: "Restore it from a backup or start a new model folder")
        }
        do throws(ModelConfig.Invalid) {
            try run.model.validate()
        } catch {
            throw InputError(file: configPath, problem: "model.\(error.key): \(error.message)",
                             hint: "Start from a config.json written by s2s-train")
        }
        return run
    }
}
