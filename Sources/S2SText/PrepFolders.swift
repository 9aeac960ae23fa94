import Foundation
import S2SCore

/// The vocabulary and data folders of one `s2s-prep` run and the files in
/// them that are s2s-prep's: whether they hold another data set, which a run
/// replaces only when asked (`--overwrite`); and what an earlier run left
/// that this one does not write (an old `valid.s2sb` beside a corpus with no
/// validation split would pair old ids with the new vocabulary).
struct PrepFolders {
    let vocabulary: String
    let data: String

    /// What s2s-prep writes into the vocabulary folder.
    static let vocabularyFiles = Set(ModelFolder.vocabularyNames + [LexicalShortlist.fileName])

    /// Whether s2s-prep writes files named `name` into the data folder: a
    /// split's shard or its subword text (`--write-text`).
    static func isDataFile(_ name: String) -> Bool {
        name.hasSuffix(".s2sb") || name.hasSuffix(".bpe.src") || name.hasSuffix(".bpe.tgt")
    }

    /// Each folder once (the two may be one folder, spelled two ways) with
    /// the test of which of its files are s2s-prep's.
    private var folders: [(path: String, isOutput: (String) -> Bool)] {
        if Folder.resolved(vocabulary) == Folder.resolved(data) {
            return [(vocabulary, { Self.vocabularyFiles.contains($0) || Self.isDataFile($0) })]
        }
        return [(vocabulary, { Self.vocabularyFiles.contains($0) }), (data, Self.isDataFile)]
    }

    /// s2s-prep's files in the folders now, and the temporary files that a
    /// killed run left, its token spills included (paths, in name order).
    func scan() -> (outputs: [String], temporaries: [String]) {
        var outputs: [String] = [], temporaries: [String] = []
        for (folder, isOutput) in folders {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
                if isOutput(name) {
                    outputs.append(folder + "/" + name)
                } else if let target = AtomicFile.target(ofTemporary: name),
                          isOutput(target) || target.hasSuffix(TokenSpill.suffix) {
                    temporaries.append(folder + "/" + name)
                }
            }
        }
        return (outputs, temporaries)
    }

    /// Stops a run that would replace another data set: files of s2s-prep's
    /// that the vocabulary folder's prep.json does not describe as made from
    /// the same inputs with the same options. Re-running the same
    /// preparation (after a change of nothing, or of the corpus text) goes on.
    func checkReplacing(with options: Preparation.Options) throws(InputError) {
        let outputs = scan().outputs
        if outputs.isEmpty || options.overwrite { return }
        let manifestPath = vocabulary + "/prep.json"
        let hint = "This run would replace \(outputs.joined(separator: ", ")). "
            + "Pass --overwrite to replace them, or choose another --name"
        guard let bytes = FileManager.default.contents(atPath: manifestPath) else {
            let folder = (outputs[0] as NSString).deletingLastPathComponent
            throw InputError(file: folder, problem: "holds files of a data set that no \(manifestPath) describes", hint: hint)
        }
        let manifest: PrepManifest
        do {
            manifest = try PrepManifest(json: bytes)
        } catch {
            throw InputError(file: manifestPath, problem: "is not a prep.json that this s2s reads, so what the folders hold is unknown", hint: hint)
        }
        let differences = Self.differences(manifest, options)
        if !differences.isEmpty {
            throw InputError(file: manifestPath, problem: "holds another data set: " + differences.joined(separator: "; "),
                             hint: hint)
        }
    }

    /// How the data set that `manifest` describes was made otherwise than
    /// `options` would make it: "--bpe-merges 8000 (this run: 16000)".
    static func differences(_ manifest: PrepManifest, _ options: Preparation.Options) -> [String] {
        var out: [String] = []
        func note(_ what: String, _ old: String, _ new: String) {
            if old != new { out.append("\(what) \(old) (this run: \(new))") }
        }
        func text(_ value: String?) -> String { value ?? "none" }
        note("format", "\(manifest.format)", "\(PrepManifest.currentFormat)")
        note("name", manifest.name, options.name)
        // The same folder spelled another way is the same data set.
        if Folder.resolved(manifest.dataFolder) != Folder.resolved(options.dataFolder) {
            note("data folder", manifest.dataFolder, options.dataFolder)
        }
        let splits = Set(manifest.splits.keys).union(options.splits.map(\.name)).sorted()
        for split in splits {
            let old = manifest.splits[split].map { "\($0.sourceFile), \($0.targetFile)" }
            let new = options.splits.first { $0.name == split }.map { "\($0.source), \($0.target)" }
            note("\(split) split", text(old), text(new))
        }
        note("--normalization", manifest.normalization.rawValue, options.normalization.rawValue)
        note("tokenizer", manifest.tokenizer, Preparation.tokenizerName)
        note("--bpe-merges", "\(manifest.bpe.mergesRequested)", "\(options.bpeMerges)")
        note("--bpe-min-frequency", "\(manifest.bpe.minFrequency)", "\(options.bpeMinFrequency)")
        note("--min-count", "\(manifest.minCount)", "\(options.minCount)")
        note("--max-size", "\(manifest.maxVocabularySize)", "\(options.maxVocabularySize)")
        note("--shared", manifest.sharedVocabulary ? "on" : "off", options.sharedVocabulary ? "on" : "off")
        note("--max-len", "\(manifest.maxLength)", "\(options.maxLength)")
        note("--dedupe", manifest.dedupe == true ? "on" : "off", options.dedupe ? "on" : "off")
        note("--bpe-sample", text(manifest.bpe.sample.map { "\($0) (seed \(manifest.bpe.sampleSeed ?? 0))" }),
             text(options.bpeSample > 0 ? "\(options.bpeSample) (seed \(options.seed))" : nil))
        note("--source-lang", text(manifest.sourceLanguage), text(options.sourceLanguage))
        note("--target-lang", text(manifest.targetLanguage), text(options.targetLanguage))
        return out
    }

    /// Removes the temporary files a killed run left (the caller holds the
    /// folders' locks, so no live run is writing them).
    func removeTemporaries() {
        for path in scan().temporaries { unlink(path) }
    }

    /// Removes s2s-prep's files that this run did not write: an earlier data
    /// set's split that this corpus lacks, subword text without --write-text.
    func removeStale(keeping written: [String]) {
        func key(_ path: String) -> String {
            Folder.resolved((path as NSString).deletingLastPathComponent) + "/" + (path as NSString).lastPathComponent
        }
        let kept = Set(written.map(key))
        for path in scan().outputs where !kept.contains(key(path)) { unlink(path) }
    }
}
