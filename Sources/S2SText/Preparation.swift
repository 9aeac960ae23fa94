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

    /// What one pass over a split's subwords keeps: the pairs and their
    /// tokens (a shard's size), and the pairs dropped by reason.
    struct SplitCounts: Equatable {
        var pairs = 0
        var sourceTokens = 0
        var targetTokens = 0
        var dropped = ["empty": 0, "too_long": 0]

        /// Whether the pair is kept (counted), or dropped (counted by reason):
        /// empty on either side, or longer than `maxLength` (0: no limit).
        mutating func keep(_ source: [String], _ target: [String], maxLength: Int) -> Bool {
            if source.isEmpty || target.isEmpty {
                dropped["empty"]! += 1
                return false
            }
            if maxLength > 0 && (source.count > maxLength || target.count > maxLength) {
                dropped["too_long"]! += 1
                return false
            }
            pairs += 1
            sourceTokens += source.count
            targetTokens += target.count
            return true
        }
    }

    /// Three passes over the text, each holding one batch of pairs at a time
    /// (memory follows the distinct words and subwords, not the pairs):
    /// 1. validate and segment every split, counting the training words;
    ///    learn BPE on those counts;
    /// 2. apply BPE, counting the kept pairs, their tokens (the shards' sizes)
    ///    and the training subwords (the vocabularies);
    /// 3. apply BPE again (through the per-word caches) and stream ids into
    ///    the shards, the subword text and the shortlist's counts.
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
        // (nil: they read the text again, as when the spill did not fit).
        var spills: [Int: TokenSpill] = [:]
        func pass(_ k: Int, _ body: ([(source: [String], target: [String])]) throws -> Void) throws -> Int {
            if let spill = spills[k] { return try segmenter.forEachBatch(spill: spill, body) }
            return try segmenter.forEachBatch(sourcePath: o.splits[k].source, targetPath: o.splits[k].target, body)
        }

        // 1. Read and segment every split (validated: UTF-8, line counts);
        //    count the training words of both sides (BPE is joint).
        var clock = Stopwatch()
        var wordCounts: [String: Int] = [:]
        var lines: [Int] = []
        var words = 0
        for (k, split) in o.splits.enumerated() {
            let spill = try TokenSpill(path: o.dataFolder + "/\(split.name)" + TokenSpill.suffix)
            lines.append(try pass(k) { batch in
                for (s, t) in batch {
                    try spill.append(s, t)
                    words += s.count + t.count
                    if k == 0 {
                        for w in s { wordCounts[w, default: 0] += 1 }
                        for w in t { wordCounts[w, default: 0] += 1 }
                    }
                }
            })
            if try spill.finish() { spills[k] = spill }
            log("read \(split.name): \(lines[k]) pairs from \(split.source), \(split.target)")
        }
        let tokenizeSeconds = clock.lap()
        log("read, normalised and segmented \(words) words in \(Stopwatch.format(tokenizeSeconds)) "
            + "(\(Int(Double(words) / max(tokenizeSeconds, 1e-9))) words/s, \(max(1, o.threads)) threads)")

        // 2. Joint BPE on the training words' counts.
        let codes = BPELearner.learn(wordCounts: wordCounts, merges: o.bpeMerges, minFrequency: o.bpeMinFrequency)
        log("learned \(codes.merges.count) BPE merges (asked for \(o.bpeMerges)) from \(wordCounts.count) word types "
            + "in \(Stopwatch.format(clock.lap()))")
        wordCounts = [:]
        // No merges: whole words (no character split).
        segmenter.apply(o.bpeMerges == 0 ? nil : codes)

        // 3. Which pairs are kept (empty pairs dropped everywhere, over-long
        //    ones in training), and the training subwords' counts.
        var counts: [SplitCounts] = []
        var srcBuilder = VocabularyBuilder(), tgtBuilder = VocabularyBuilder()
        for k in o.splits.indices {
            var c = SplitCounts()
            let n = try pass(k) { batch in
                for (s, t) in batch where c.keep(s, t, maxLength: k == 0 ? o.maxLength : 0) && k == 0 {
                    srcBuilder.add(s)
                    tgtBuilder.add(t)
                }
            }
            try Self.checkUnchanged(o.splits[k], n == lines[k])
            counts.append(c)
        }
        log("applied BPE in \(Stopwatch.format(clock.lap()))")
        try Self.checkUsable(counts[0], lines: lines[0], options: o)

        // 4. Vocabularies from the kept training pairs.
        let srcVocab: Vocabulary, tgtVocab: Vocabulary
        if o.sharedVocabulary {
            srcBuilder.merge(tgtBuilder)
            srcVocab = srcBuilder.build(minCount: o.minCount, maxSize: o.maxVocabularySize)
            tgtVocab = srcVocab
        } else {
            srcVocab = srcBuilder.build(minCount: o.minCount, maxSize: o.maxVocabularySize)
            tgtVocab = tgtBuilder.build(minCount: o.minCount, maxSize: o.maxVocabularySize)
        }
        srcBuilder = VocabularyBuilder()
        tgtBuilder = VocabularyBuilder()
        log("vocabularies: \(srcVocab.count) source, \(tgtVocab.count) target tokens\(o.sharedVocabulary ? " (shared)" : "")")

        // 5. Shards (and subword text), streamed to temporary files; then the
        //    vocabulary folder (the manifest last: its presence says the rest
        //    is complete); all renamed into place together (`PrepOutputs`).
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
            let n = try pass(k) { batch in
                var pairs: [(source: [Int32], target: [Int32])] = []
                for (s, t) in batch where c.keep(s, t, maxLength: k == 0 ? o.maxLength : 0) {
                    let si = srcVocab.ids(s), ti = tgtVocab.ids(t)
                    srcUnknown += si.count { $0 == SpecialTokens.unk }
                    tgtUnknown += ti.count { $0 == SpecialTokens.unk }
                    try shard.append(source: si, target: ti)
                    for (cursor, side) in zip(text.indices, [s, t]) {
                        try text[cursor].append((side.joined(separator: " ") + "\n").utf8)
                    }
                    if k == 0 { pairs.append((si, ti)) }
                }
                shortlistCounts.add(pairs)
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
        spills = [:]  // removed: their room is free before the outputs are renamed, or measured
        let written = try outputs.commit()
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
