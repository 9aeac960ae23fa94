#if canImport(Glibc)
import Glibc
#endif
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

    /// Whether the folder holds a run that stopped before its first
    /// checkpoint (a NaN stop, kill -9): a config.json or train.jsonl, but
    /// no checkpoint and no model.safetensors. There is nothing to resume,
    /// and nothing a new run would lose by starting afresh.
    public var holdsARunWithoutCheckpoint: Bool {
        let found = existingRunFiles()
        return !found.isEmpty && !found.contains(bestPath) && checkpoints().isEmpty
    }

    /// Removes what such a run wrote (config.json, train.jsonl, plots/),
    /// returning the names removed.
    public func clearRunWithoutCheckpoint() throws -> [String] {
        var removed: [String] = []
        for name in ["config.json", "train.jsonl", "plots"] where FileManager.default.fileExists(atPath: path + "/" + name) {
            do {
                try FileManager.default.removeItem(atPath: path + "/" + name)
            } catch {
                throw FileError(path: path + "/" + name, action: "remove", reason: "\(error)")
            }
            removed.append(name)
        }
        return removed
    }

    /// Removes the temporary files of writes that a killed run left in the
    /// folder and its checkpoints/ and plots/ (`AtomicFile.leftovers`),
    /// returning them. Call it holding the folder's lock.
    public func removeLeftovers() -> [AtomicFile.Leftover] {
        [path, checkpointFolder, path + "/plots"].flatMap(AtomicFile.leftovers(in:)).filter {
            unlink($0.path) == 0
        }
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
