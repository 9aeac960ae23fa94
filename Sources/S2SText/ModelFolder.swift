#if canImport(Glibc)
import Glibc
#endif
import Foundation
import S2SCore

/// `models/NAME/`, which s2s-train writes and s2s-translate, s2s-average
/// and s2s-serve read; every file of it is named here:
///
///     config.json          the run's configuration (S2STraining's RunConfig)
///     model.safetensors    the parameters best by validation loss
///     checkpoints/step-NNNNNNNN.safetensors   the last few checkpoints
///     train.jsonl          the run log (S2STraining's TrainingRecord)
///     plots/               SVGs drawn from train.jsonl
///     prep.json, bpe.codes, src.vocab, tgt.vocab, shortlist.tsv
///                          copies of the vocabulary folder's files, so the
///                          folder is self-contained
///     averaged.safetensors s2s-average's output by default
///     .lock                held while a run or an average writes (FolderLock)
///
/// Its typed readers (ModelFolder+Reading.swift) give the errors a user
/// sees about a model folder, naming the file.
public struct ModelFolder: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public static let configName = "config.json"
    public static let bestName = "model.safetensors"
    public static let logName = "train.jsonl"
    public static let checkpointsName = "checkpoints"
    public static let plotsName = "plots"
    public static let averagedName = "averaged.safetensors"
    public static let prepName = "prep.json"
    public static let bpeCodesName = "bpe.codes"
    public static let sourceVocabularyName = "src.vocab"
    public static let targetVocabularyName = "tgt.vocab"
    /// What s2s-train copies from the vocabulary folder (and the lexical
    /// shortlist, `LexicalShortlist.fileName`, where s2s-prep wrote one).
    public static let vocabularyNames = [prepName, bpeCodesName, sourceVocabularyName, targetVocabularyName]

    /// The path of the folder's file `name`.
    public func file(_ name: String) -> String { path + "/" + name }

    public var configPath: String { file(Self.configName) }
    public var bestPath: String { file(Self.bestName) }
    public var logPath: String { file(Self.logName) }
    public var checkpointFolder: String { file(Self.checkpointsName) }
    public var plotsFolder: String { file(Self.plotsName) }
    public var prepPath: String { file(Self.prepName) }
    public var shortlistPath: String { file(LexicalShortlist.fileName) }

    /// Holds the folder for one writer: a training run, or an average
    /// written into it (a second one stops at once, naming the holder).
    public func lock() throws -> FolderLock { try FolderLock(folder: path) }

    /// checkpoints/step-NNNNNNNN.safetensors: names sort by step.
    public func checkpointPath(step: Int) -> String {
        checkpointFolder + "/" + String(format: "step-%08d.safetensors", step)
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
        for name in [Self.configName, Self.logName, Self.plotsName] where FileManager.default.fileExists(atPath: file(name)) {
            do {
                try FileManager.default.removeItem(atPath: file(name))
            } catch {
                throw FileError(path: file(name), action: "remove", reason: "\(error)")
            }
            removed.append(name)
        }
        return removed
    }

    /// Removes the temporary files of writes that a killed run left in the
    /// folder and its checkpoints/ and plots/ (`AtomicFile.leftovers`),
    /// returning them. Call it holding the folder's lock.
    public func removeLeftovers() -> [AtomicFile.Leftover] {
        [path, checkpointFolder, plotsFolder].flatMap(AtomicFile.leftovers(in:)).filter {
            unlink($0.path) == 0
        }
    }

    /// The vocabulary files a resumed run is given must be the ones it was
    /// trained with (the folder's copies): other ids would make another model.
    public func checkSameVocabulary(as vocabFolder: String) throws {
        for name in [Self.sourceVocabularyName, Self.targetVocabularyName, Self.bpeCodesName] {
            let given = FileManager.default.contents(atPath: vocabFolder + "/" + name)
            let stored = FileManager.default.contents(atPath: file(name))
            if let stored, given != stored {
                throw InputError(file: vocabFolder + "/" + name,
                                 problem: "differs from the copy the run in \(path) was trained with",
                                 hint: "Resume with the --vocab the run started with (\(path) holds copies of its files)")
            }
        }
    }

    /// Copies the vocabulary folder's files in (atomically each).
    public func copyVocabulary(from vocabFolder: String) throws {
        for name in Self.vocabularyNames {
            let from = vocabFolder + "/" + name
            guard let data = FileManager.default.contents(atPath: from) else {
                throw InputError(file: from, problem: "missing", hint: "Run s2s-prep to write the vocabulary folder")
            }
            try AtomicFile.write(Array(data), to: file(name))
        }
        // The lexical shortlist (s2s-translate --shortlist), where s2s-prep wrote one.
        if let data = FileManager.default.contents(atPath: vocabFolder + "/" + LexicalShortlist.fileName) {
            try AtomicFile.write(Array(data), to: shortlistPath)
        }
    }
}
