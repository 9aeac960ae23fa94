import Foundation
import S2SCore

/// The whole of `s2s-prep`: read and validate a parallel corpus, normalise and
/// segment it, learn joint BPE on the training text, build vocabularies, and
/// write `vocab/NAME/` and `data/NAME/` atomically.
public struct Preparation {
    public struct Options: Sendable {
        public var name: String
        /// (source, target) file paths per split; "train" is required.
        public var splits: [(name: String, source: String, target: String)]
        public var vocabFolder: String
        public var dataFolder: String
        public var normalization: Normalization = .nfkc
        public var bpeMerges: Int = 8000
        public var bpeMinFrequency: Int = 2
        public var minCount: Int = 1
        public var maxVocabularySize: Int = 0
        public var sharedVocabulary: Bool = false
        public var maxLength: Int = 250
        /// Also write each split's subword text (`SPLIT.bpe.src/.tgt`) into the
        /// data folder, e.g. to train another toolkit on the same input.
        public var writeText: Bool = false
        /// ISO 639-1 codes recorded in prep.json (nil: not recorded).
        public var sourceLanguage: String?
        public var targetLanguage: String?
        /// Replace another data set found in the folders (without it, a run
        /// only replaces the same preparation: same inputs, same options).
        public var overwrite: Bool = false
        /// Worker threads for normalising, segmenting and applying BPE; the
        /// outputs are the same for any number.
        public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
        /// Pairs a pass holds at a time; the outputs are the same for any number.
        public var batchSize: Int = 16384

        public init(name: String, splits: [(name: String, source: String, target: String)],
                    vocabFolder: String, dataFolder: String) {
            self.name = name
            self.splits = splits
            self.vocabFolder = vocabFolder
            self.dataFolder = dataFolder
        }
    }

    public static let tokenizerName = "icu-word-joiner/1"

    public let options: Options
    /// Progress messages (one line each), e.g. to stderr.
    public var log: (String) -> Void = { _ in }

    public init(options: Options) {
        self.options = options
    }

    /// Three passes over the pairs, each holding one batch at a time (memory
    /// follows the distinct words and subwords, not the pairs), the per-pair
    /// work of each on the worker threads:
    /// 1. read, validate and segment every split, counting the training
    ///    words (`WordCounts`) and spilling the tokens (`TokenSpill`); learn
    ///    BPE on the counts;
    /// 2. apply BPE to the spilled tokens, counting the kept pairs, their
    ///    tokens (the shards' sizes) and the training subwords
    ///    (`SubwordCounts`: the vocabularies);
    /// 3. apply BPE again (through the per-word caches) and stream ids
    ///    (`EncodedPairs`) into the shards (`ShardWriter`), the subword text
    ///    and the shortlist's counts (`ShortlistCounts`).
    @discardableResult
    public func run() throws -> PrepManifest {
        let o = options
        precondition(o.splits.first?.name == "train", "the first split must be train")
        // Output folders first: a file in the way, or another data set in
        // them, stops the run before the work.
        try Folder.create(o.dataFolder)
        try Folder.create(o.vocabFolder)
        let folders = PrepFolders(vocabulary: o.vocabFolder, data: o.dataFolder)
        try folders.checkReplacing(with: o)
        folders.removeTemporaries()
        let segmenter = try PairSegmenter(tokenizer: Tokenizer(normalization: o.normalization), threads: o.threads,
                                            batchSize: o.batchSize)
        // Each split's tokens from the first pass, read by the later ones
        // (none: they read the text again, as when the spill did not fit).
        var spills: [Int: TokenSpill] = [:]
        func pass<Result>(_ k: Int, _ chunk: @escaping @Sendable ([(source: [String], target: [String])]) -> Result,
                          _ body: (Result) throws -> Void) throws -> Int {
            if let spill = spills[k] { return try segmenter.forEachChunk(spill: spill, chunk, body) }
            return try segmenter.forEachChunk(sourcePath: o.splits[k].source, targetPath: o.splits[k].target, chunk, body)
        }
        func maxLength(_ k: Int) -> Int { k == 0 ? o.maxLength : 0 }

        // 1. Read and segment every split (validated: UTF-8, line counts);
        //    count the training words.
        var clock = Stopwatch()
        var words = WordCounts()
        var lines: [Int] = []
        for (k, split) in o.splits.enumerated() {
            let spill = try TokenSpill(path: o.dataFolder + "/\(split.name)" + TokenSpill.suffix)
            lines.append(try pass(k, { WordCounts($0, counting: k == 0) }) { chunk in
                try spill.append(chunk.spill)
                words.add(chunk)
            })
            if try spill.finish() { spills[k] = spill }
            log("read \(split.name): \(lines[k]) pairs from \(split.source), \(split.target)")
        }
        let tokenizeSeconds = clock.lap()
        log("read, normalised and segmented \(words.words) words in \(Stopwatch.format(tokenizeSeconds)) "
            + "(\(Int(Double(words.words) / max(tokenizeSeconds, 1e-9))) words/s, \(max(1, o.threads)) threads)")

        // 2. Joint BPE on the training words' counts.
        let codes = BPELearner.learn(wordCounts: words.counts, merges: o.bpeMerges, minFrequency: o.bpeMinFrequency)
        log("learned \(codes.merges.count) BPE merges (asked for \(o.bpeMerges)) from \(words.counts.count) word types "
            + "in \(Stopwatch.format(clock.lap()))")
        words = WordCounts()
        // No merges: whole words (no character split).
        segmenter.apply(o.bpeMerges == 0 ? nil : codes)

        // 3. Which pairs are kept (empty pairs dropped everywhere, over-long
        //    ones in training), and the training subwords' counts.
        var counts: [SplitCounts] = []
        var subwords = SubwordCounts()
        for k in o.splits.indices {
            var split = SubwordCounts()
            let n = try pass(k, { [maxLength = maxLength(k)] in SubwordCounts($0, maxLength: maxLength, counting: k == 0) }) {
                split.add($0)
            }
            try Self.checkUnchanged(o.splits[k], n == lines[k])
            counts.append(split.kept)
            if k == 0 { subwords = split }
        }
        log("applied BPE in \(Stopwatch.format(clock.lap()))")
        try Self.checkUsable(counts[0], lines: lines[0], options: o)

        // 4. Vocabularies from the kept training pairs.
        let srcVocab: Vocabulary, tgtVocab: Vocabulary
        if o.sharedVocabulary {
            subwords.source.merge(subwords.target)
            srcVocab = subwords.source.build(minCount: o.minCount, maxSize: o.maxVocabularySize)
            tgtVocab = srcVocab
        } else {
            srcVocab = subwords.source.build(minCount: o.minCount, maxSize: o.maxVocabularySize)
            tgtVocab = subwords.target.build(minCount: o.minCount, maxSize: o.maxVocabularySize)
        }
        subwords = SubwordCounts()
        log("vocabularies: \(srcVocab.count) source, \(tgtVocab.count) target tokens\(o.sharedVocabulary ? " (shared)" : "")")

        // 5. Shards (and subword text), streamed to temporary files; then the
        //    vocabulary folder (the manifest last: its presence says the rest
        //    is complete); all renamed into place together (`PrepOutputs`).
        func stage() throws -> (PrepOutputs, PrepManifest) {
            let outputs = PrepOutputs()
            var splitInfos: [String: PrepManifest.SplitInfo] = [:]
            var shortlistCounts = ShortlistCounts(source: srcVocab, target: tgtVocab)
            for (k, split) in o.splits.enumerated() {
                let expected = counts[k]
                let shardName = "\(split.name).s2sb"
                let shard = try ShardWriter(
                    output: try outputs.open(o.dataFolder + "/" + shardName), pairs: expected.pairs,
                    sourceTokens: expected.sourceTokens, targetTokens: expected.targetTokens,
                    sourceVocabulary: srcVocab, targetVocabulary: tgtVocab)
                var text = o.writeText
                    ? [OutputCursor(try outputs.open(o.dataFolder + "/\(split.name).bpe.src")),
                       OutputCursor(try outputs.open(o.dataFolder + "/\(split.name).bpe.tgt"))]
                    : []
                var c = SplitCounts()
                var srcUnknown = 0, tgtUnknown = 0
                let chunk: @Sendable ([(source: [String], target: [String])]) -> EncodedPairs = {
                    [maxLength = maxLength(k), writeText = o.writeText] in
                    EncodedPairs($0, maxLength: maxLength, source: srcVocab, target: tgtVocab, writeText: writeText)
                }
                let n = try pass(k, chunk) { encoded in
                    c.add(encoded.kept)
                    srcUnknown += encoded.sourceUnknown
                    tgtUnknown += encoded.targetUnknown
                    for p in encoded.pairs { try shard.append(source: p.source, target: p.target) }
                    for side in text.indices { try text[side].append(encoded.text[side]) }
                    if k == 0 { shortlistCounts.add(encoded.pairs) }
                }
                try Self.checkUnchanged(split, n == lines[k] && c == expected && shard.isComplete)
                try shard.finish()
                for k in text.indices {
                    try text[k].flush()
                    try text[k].output.finish()
                }
                splitInfos[split.name] = PrepManifest.SplitInfo(
                    sourceFile: split.source, targetFile: split.target, shard: shardName,
                    lines: lines[k], pairs: c.pairs, dropped: c.dropped,
                    sourceTokens: c.sourceTokens, targetTokens: c.targetTokens,
                    sourceUnknown: srcUnknown, targetUnknown: tgtUnknown)
            }

            let manifest = PrepManifest(
                name: o.name, normalization: o.normalization, tokenizer: Self.tokenizerName,
                bpe: .init(mergesRequested: o.bpeMerges, mergesLearned: codes.merges.count,
                           minFrequency: o.bpeMinFrequency, codesFile: "bpe.codes"),
                sharedVocabulary: o.sharedVocabulary, minCount: o.minCount,
                maxVocabularySize: o.maxVocabularySize, maxLength: o.maxLength,
                sourceVocabulary: .init(file: "src.vocab", size: srcVocab.count, hash: String(srcVocab.hash, radix: 16)),
                targetVocabulary: .init(file: "tgt.vocab", size: tgtVocab.count, hash: String(tgtVocab.hash, radix: 16)),
                dataFolder: o.dataFolder, splits: splitInfos,
                sourceLanguage: o.sourceLanguage, targetLanguage: o.targetLanguage)
            try outputs.write(Array(codes.fileText.utf8), to: o.vocabFolder + "/bpe.codes")
            try outputs.write(Array(srcVocab.fileText.utf8), to: o.vocabFolder + "/src.vocab")
            try outputs.write(Array(tgtVocab.fileText.utf8), to: o.vocabFolder + "/tgt.vocab")
            try outputs.write(Array(shortlistCounts.shortlist(keep: 50).fileText.utf8),
                              to: o.vocabFolder + "/" + LexicalShortlist.fileName)
            try outputs.write(try StableJSON.encode(manifest), to: o.vocabFolder + "/prep.json")
            return (outputs, manifest)
        }
        var (outputs, manifest) = try stage()
        // The spills go before the outputs are renamed (or their room measured).
        let spilled = !spills.isEmpty
        spills = [:]
        let written: [String]
        do {
            written = try outputs.commit()
        } catch is PrepDiskFull where spilled {
            // The spilled tokens took room that the outputs alone may not need.
            log("the outputs did not fit beside the spilled tokens: writing them again from the text")
            (outputs, manifest) = try stage()
            written = try outputs.commit()
        }
        folders.removeStale(keeping: written)
        for split in o.splits {
            let info = manifest.splits[split.name]!
            let dropped = info.dropped.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            log("wrote \(o.dataFolder)/\(split.name).s2sb: \(info.pairs) pairs"
                + (dropped.isEmpty ? "" : " (dropped \(dropped))"))
        }
        log("wrote \(o.vocabFolder)/{prep.json,bpe.codes,src.vocab,tgt.vocab,\(LexicalShortlist.fileName)} in \(Stopwatch.format(clock.lap()))")
        return manifest
    }

    /// A split's text gave other pairs in a later pass than in the first:
    /// a file was changed while it was read.
    static func checkUnchanged(_ split: (name: String, source: String, target: String), _ same: Bool) throws(InputError) {
        if same { return }
        throw InputError(file: split.source, problem: "or \(split.target) changed while s2s-prep read it",
                         hint: "Leave the corpus files as they are while s2s-prep runs, then run it again")
    }

    /// Training must keep at least one pair; the error says why none was kept.
    static func checkUsable(_ kept: SplitCounts, lines: Int, options o: Options) throws(InputError) {
        if kept.pairs > 0 { return }
        let reasons = kept.dropped.filter { $0.value > 0 }.sorted { $0.key < $1.key }
            .map { "\($0.value) \($0.key == "too_long" ? "longer than --max-len \(o.maxLength)" : $0.key)" }
        let dropped = kept.dropped.values.reduce(0, +)
        throw InputError(
            file: o.splits[0].source,
            problem: "train: 0 usable pairs ("
                + (lines == 0 ? "the files hold no lines)" : "\(dropped) dropped: \(reasons.joined(separator: ", ")))"),
            hint: kept.dropped["too_long", default: 0] > 0
                ? "Raise --max-len (0: no limit), or split the long sentences"
                : "Give training files with text on both sides of each line")
    }
}
