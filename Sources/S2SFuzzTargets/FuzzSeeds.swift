import Foundation
import S2SCore
import S2SModel
import S2SText
import S2STraining

/// The generated seeds of `Tests/Fixtures/fuzz/` (`seed-*`): small valid
/// inputs for each target, made by the writers of each format, so that
/// fuzzing starts from whole files, not only from early rejections. Written
/// by `tools/fuzz/run.sh seeds`; FuzzSeedValidityTests checks that the
/// readers still accept them. Files named `finding-*` are never touched.
public enum FuzzSeeds {
    /// - Parameters:
    ///   - root: the seeds' folder (`Tests/Fixtures/fuzz`).
    ///   - repository: the repository root, for the bundled prep.json.
    public static func write(into root: String, repository: String) throws {
        func write(_ target: String, _ name: String, _ bytes: [UInt8]) throws {
            let folder = URL(fileURLWithPath: root).appendingPathComponent(target)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(bytes).write(to: folder.appendingPathComponent("seed-" + name))
        }
        func text(_ target: String, _ name: String, _ s: String) throws { try write(target, name, Array(s.utf8)) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("s2s-fuzz-seeds-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // safetensors: a tiny s2s checkpoint with Adam moments, and plain tensors.
        var config = ModelConfig(sourceVocabularySize: 5, targetVocabularySize: 6)
        config.embeddingSize = 2
        config.hiddenSize = 2
        config.layers = 1
        config.attention = .dot
        let layout = ParameterLayout(config: config)
        let values = (0..<layout.count).map { Float($0) / 8 }
        let checkpoint = scratch.appendingPathComponent("c.safetensors").path
        try values.withUnsafeBufferPointer { p in
            try Checkpoint.save(path: checkpoint, config: config, layout: layout, parameters: p.baseAddress!,
                                extra: Checkpoint.tensors(of: layout, in: p.baseAddress!, prefix: "adam.m."),
                                metadata: ["step": "3"])
        }
        try write("safetensors", "checkpoint.safetensors", Array(try Data(contentsOf: URL(fileURLWithPath: checkpoint))))
        let a: [Float] = [1, -2, 0.5, .infinity, -0.0, 3]
        let plain = a.withUnsafeBufferPointer { p in
            SafeTensors.encode(tensors: [NamedTensor(name: "a", shape: [2, 3], data: p.baseAddress!),
                                         NamedTensor(name: "b", shape: [0], data: p.baseAddress!)],
                               metadata: ["note": "plain"])
        }
        try write("safetensors", "tensors.safetensors", plain)

        // shard: three pairs over the shard target's vocabularies, and none.
        try write("shard", "three-pairs.s2sb", TokenShard.encode(
            pairs: [([4, 5, 6], [4]), ([6], [5, 4, 1]), ([], [5])],
            sourceVocabulary: ShardFuzz.source, targetVocabulary: ShardFuzz.target))
        try write("shard", "empty.s2sb", TokenShard.encode(pairs: [], sourceVocabulary: ShardFuzz.source, targetVocabulary: ShardFuzz.target))

        // vocabulary and BPE codes, as s2s-prep writes them.
        try text("vocabulary", "small.vocab",
                 Vocabulary(tokens: ["the", "ca@@", "t", "東京", "￭,", "é"], counts: [9, 4, 4, 2, 1, 1]).fileText)
        try text("bpe-codes", "small.codes", BPECodes(merges: [
            ("t", "h"), ("th", "e</w>"), ("l", "o"), ("lo", "w"), ("e", "r</w>"), ("東", "京</w>"), ("@", "@"),
        ]).fileText)

        // config.json, as s2s-train writes it.
        let model = ModelFolder(path: scratch.path)
        try model.writeConfig(ModelFolder.RunConfig(model: config, training: TrainingOptions(), data: "data/x", vocab: "vocab/x"))
        try write("config", "config.json", Array(try Data(contentsOf: URL(fileURLWithPath: model.configPath))))

        // prep.json: the bundled vocabulary's.
        let prep = URL(fileURLWithPath: repository).appendingPathComponent("vocab/bible-en-es/prep.json")
        try write("prep", "prep.json", Array(try Data(contentsOf: prep)))

        // lines: a byte-order mark, CRLF and LF endings, a lone CR, no final newline.
        try text("lines", "bom-crlf.txt", "\u{FEFF}first line\r\nsecond\rstill second\n\r\nlast, no newline")
        try text("lines", "mixed-scripts.txt", "ba ce di\nHello, world.\nΚαλημέρα\n東京に行きます\nمرحبا\n")

        // tokenize: the first byte picks the normalisation (0 NFKC, 1 NFC, 2 none).
        let lines: [(UInt8, String)] = [
            (0, "Hello, world (again)."), (0, "Ｆｕｌｌ ﬁ\u{A0}nbsp ①"), (1, "東京に行きます。"), (1, "e\u{301} a\u{300} q\u{303}"),
            (2, "ภาษาไทย ง่าย"), (2, "مرحبا، العالم!"), (0, "tab\there  ￭ joiner \u{7}bell"), (1, "👩‍👩‍👧 🇫🇷 1,234.5"),
        ]
        for (k, (form, line)) in lines.enumerated() {
            try write("tokenize", "line-\(k)", [form] + Array(line.utf8))
        }

        // shortlist: built from a few pairs over the shortlist target's vocabularies.
        let pairs: [(source: [Int32], target: [Int32])] = [([4, 5], [4, 6]), ([5, 6], [6, 5]), ([4], [4]), ([6, 6], [5])]
        try text("shortlist", "small.tsv", LexicalShortlist.build(pairs: pairs, source: ShortlistFuzz.source,
                                                                target: ShortlistFuzz.target).fileText)

        // request: each mode (first byte: JSON, form, query, untyped; +4 the native API).
        let requests: [(UInt8, String)] = [
            (0, #"{"q": "Hello world.", "source": "en", "target": "es"}"#),
            (0, #"{"q": ["One.", "Two\nlines."], "source": "en", "target": "es", "alternatives": 2, "format": "text"}"#),
            (4, #"{"q": "Hello.", "source": "en", "target": "es", "beam_size": 3, "n_best": 2, "attention": true, "length_penalty": 0.6}"#),
            (1, "q=Hello+world%21&source=en&target=es&alternatives=1"),
            (2, "q=Hi&q=there&source=auto&target=es"),
            (3, #"{"q": "x", "source": "en", "target": "es", "api_key": "k"}"#),
        ]
        for (k, (mode, body)) in requests.enumerated() { try write("request", "body-\(k)", [mode] + Array(body.utf8)) }
    }
}
