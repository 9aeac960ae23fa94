import Foundation
import S2SCore
import S2SKernels
import S2SModel
import S2SSearch
import S2SText

/// A trained model folder ready to translate text: the folder's own
/// normalisation, tokenisation and BPE on the way in, search, and the same
/// undone on the way out. Loading validates the folder: files present, the
/// configuration against the tensors, the vocabularies against the model.
public final class Translator {
    public struct Options: Sendable {
        public var search = BeamSearch.Options()
        public init() {}
    }

    public let model: Seq2Seq<Float>
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary
    let tokenizer: Tokenizer.Session
    let bpe: BPE
    public var options: Options

    public init(modelFolder path: String, options: Options = Options()) throws {
        func read(_ name: String) throws -> String {
            let file = path + "/" + name
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputError(file: file, problem: "missing",
                                 hint: "Give --model a folder written by s2s-train (it holds model.safetensors, the vocabularies and bpe.codes)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        let checkpoint = try Checkpoint.load(path: path + "/model.safetensors")
        sourceVocabulary = try Vocabulary(fileText: try read("src.vocab"), path: path + "/src.vocab")
        targetVocabulary = try Vocabulary(fileText: try read("tgt.vocab"), path: path + "/tgt.vocab")
        let config = checkpoint.config
        guard config.sourceVocabularySize == sourceVocabulary.count, config.targetVocabularySize == targetVocabulary.count else {
            throw InputError(file: path + "/model.safetensors",
                             problem: "expects vocabularies of \(config.sourceVocabularySize)/\(config.targetVocabularySize) tokens, "
                                 + "but src.vocab/tgt.vocab hold \(sourceVocabulary.count)/\(targetVocabulary.count)",
                             hint: "The model folder mixes files of different runs; copy the vocabularies the model was trained with")
        }
        let model = try Seq2Seq<Float>(config: config)
        try withExtendedLifetime(model.parameters) {
            try checkpoint.loadParameters(into: model.parameters.base, layout: model.layout)
        }
        self.model = model
        bpe = BPE(codes: try BPECodes(fileText: try read("bpe.codes"), path: path + "/bpe.codes"))
        let normalization = Self.normalization(prepJSON: try read("prep.json"))
        tokenizer = try Tokenizer.Session(Tokenizer(normalization: normalization))
        self.options = options
    }

    static func normalization(prepJSON: String) -> Normalization {
        guard let object = try? JSONSerialization.jsonObject(with: Data(prepJSON.utf8)) as? [String: Any],
              let name = object["normalization"] as? String, let n = Normalization(rawValue: name) else { return .nfkc }
        return n
    }

    /// Source text → subword ids (unknown subwords become `<unk>`).
    public func encode(_ line: String) throws -> [Int32] {
        sourceVocabulary.ids(bpe.segment(tokens: try tokenizer.tokenize(line)))
    }

    /// Target ids → text.
    public func decode(_ ids: [Int32]) -> String {
        let tokens = ids.filter { $0 > Vocabulary.eos }.map { targetVocabulary.token($0) }
        return Tokenizer.detokenize(BPE.join(tokens))
    }

    /// The n-best translations of each line (empty lines give one empty
    /// translation), in input order.
    public func translate(_ lines: [String]) throws -> [[BeamSearch.Hypothesis]] {
        var results = [[BeamSearch.Hypothesis]](repeating: [], count: lines.count)
        var work: [(index: Int, ids: [Int32])] = []
        for (i, line) in lines.enumerated() {
            let ids = try encode(line)
            if ids.isEmpty {
                results[i] = [BeamSearch.Hypothesis(tokens: [], logProbability: 0, score: 0)]
            } else {
                work.append((i, ids))
            }
        }
        // Similar lengths together: less padding in each batch.
        work.sort { $0.ids.count < $1.ids.count }
        if !work.isEmpty {
            let hyps = BeamSearch.decode(model, sources: work.map(\.ids), options: options.search)
            for (w, h) in zip(work, hyps) { results[w.index] = h }
        }
        return results
    }
}
