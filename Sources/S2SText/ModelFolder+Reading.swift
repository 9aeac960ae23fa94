import Foundation
import S2SCore

/// The model folder's files as the types they hold. A missing or damaged
/// file is an `InputError` that names it and says where a good one comes from.
extension ModelFolder {
    /// What a missing file of a model folder tells the user.
    public static let missingHint =
        "Give --model a folder written by s2s-train (it holds model.safetensors, the vocabularies and bpe.codes)"

    /// The text of the folder's file `name`.
    func text(_ name: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file(name)) else {
            throw InputError(file: file(name), problem: "missing", hint: Self.missingHint)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// prep.json, the copy of what s2s-prep did: normalisation, BPE,
    /// the vocabularies' hashes, the length limit, the languages.
    public func prepManifest() throws -> PrepManifest {
        let data = Data(try text(Self.prepName).utf8)
        do {
            return try PrepManifest(json: data)
        } catch {
            throw InputError(file: prepPath, problem: StableJSON.problem(error, json: data), hint: "Copy it from vocab/NAME/")
        }
    }

    /// src.vocab: the source subwords by id.
    public func sourceVocabulary() throws -> Vocabulary {
        try Vocabulary(fileText: try text(Self.sourceVocabularyName), path: file(Self.sourceVocabularyName))
    }

    /// tgt.vocab: the target subwords by id.
    public func targetVocabulary() throws -> Vocabulary {
        try Vocabulary(fileText: try text(Self.targetVocabularyName), path: file(Self.targetVocabularyName))
    }

    /// bpe.codes: the merges, in the order they were learned.
    public func bpeCodes() throws -> BPECodes {
        try BPECodes(fileText: try text(Self.bpeCodesName), path: file(Self.bpeCodesName))
    }

    /// shortlist.tsv: each source subword's likeliest targets (s2s-translate
    /// --shortlist), over the folder's vocabularies.
    public func shortlist(source: Vocabulary, target: Vocabulary) throws -> LexicalShortlist {
        guard let data = FileManager.default.contents(atPath: shortlistPath) else {
            throw InputError(file: shortlistPath, problem: "missing: this model folder has no lexical shortlist for --shortlist",
                             hint: "s2s-prep writes vocab/NAME/\(LexicalShortlist.fileName) (run it again: the same inputs give the same vocabularies) and s2s-train copies it; copy it into the model folder")
        }
        return try LexicalShortlist(fileText: String(decoding: data, as: UTF8.self), path: shortlistPath,
                                    source: source, target: target)
    }

    /// The vocabularies must be the ones prep.json describes (their hashes).
    public func checkVocabularies(_ source: Vocabulary, _ target: Vocabulary, against manifest: PrepManifest) throws {
        for (info, name, vocabulary) in [(manifest.sourceVocabulary, Self.sourceVocabularyName, source),
                                         (manifest.targetVocabulary, Self.targetVocabularyName, target)] {
            let hash = String(vocabulary.hash, radix: 16)
            if info.hash != hash {
                throw InputError(file: file(name), problem: "does not match prep.json (hash \(hash), prep.json says \(info.hash))",
                                 hint: "The model folder mixes files of different s2s-prep runs; copy them from the run the model was trained on")
            }
        }
    }

    /// checkpoints/step-*.safetensors, newest first.
    public func checkpoints() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointFolder)) ?? []
        return names.filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted(by: >)
            .map { checkpointFolder + "/" + $0 }
    }
}
