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
        /// Drop training pairs whose two lines repeat an earlier pair's.
        public var dedupe: Bool = false
        /// Learn BPE from this many training pairs drawn with `seed`
        /// (0: from all of them).
        public var bpeSample: Int = 0
        public var seed: UInt64 = 1

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
    /// Where the run is, after every batch of pairs (e.g. for a progress bar).
    public var progress: (PrepProgress) -> Void = { _ in }

    public init(options: Options) {
        self.options = options
    }

    /// Three passes over the pairs, each holding one batch at a time (memory
    /// follows the distinct words and subwords, not the pairs), the per-pair
    /// work of each on the worker threads:
    /// 1. read, validate and segment every split, noting the words
    ///    (`WordCounts`: counted in the training split) and spilling the
    ///    tokens (`TokenSpill`); learn BPE on the counts; number and segment
    ///    every word once (`WordIndex`);
    /// 2. read the spilled tokens as word numbers, counting the kept pairs,
    ///    their subwords (the shards' sizes) and the training words
    ///    (`SubwordCounts`: the vocabularies' counts), and spill the word
    ///    numbers (`WordSpill`);
    /// 3. map the word numbers to ids and stream them (`EncodedPairs`) into
    ///    the shards (`ShardWriter`), the subword text and the shortlist's
    ///    counts (`ShortlistCounts`).
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
        // --dedupe: decided in the first pass over the training text; the
        // spill holds the pairs it kept.
        let duplicates = o.dedupe ? Deduplication() : nil
        /// The pairs of split k (the training split without duplicates),
        /// less those `sample` leaves out; returns their number.
        func pass<Result>(_ stage: PrepProgress.Pass, _ k: Int, keeping sample: PairFilter? = nil,
                          _ chunk: @escaping @Sendable (PairSegmenter.Worker, [(source: [String], target: [String])]) -> Result,
                          _ body: (Result) throws -> Void) throws -> Int {
            try tracked(stage, k) {
                if let spill = spills[k] { return try segmenter.forEachChunk(spill: spill, keeping: sample, chunk, body) }
                return try segmenter.forEachChunk(sourcePath: o.splits[k].source, targetPath: o.splits[k].target,
                                                  skipping: k == 0 ? duplicates : nil, keeping: sample, chunk, body)
            }
        }
        /// Reports the progress of a pass over split k.
        func tracked(_ stage: PrepProgress.Pass, _ k: Int, _ run: () throws -> Int) throws -> Int {
            let clock = Stopwatch()
            let report = { [progress, name = o.splits[k].name] (pairs: Int, fraction: Double?, finished: Bool) in
                progress(PrepProgress(pass: stage, split: name, pairs: pairs, fraction: fraction,
                                      seconds: clock.elapsed, finished: finished))
            }
            segmenter.onBatch = { report($0, $1, false) }
            let n = try run()
            report(n, 1, true)
            return n
        }
        func maxLength(_ k: Int) -> Int { k == 0 ? o.maxLength : 0 }

        // 1. Read and segment every split (validated: UTF-8, line counts);
        //    count the training words (unless BPE learns from a sample).
        var clock = Stopwatch()
        var words = 0
        var lines: [Int] = [], pairs: [Int] = []
        for (k, split) in o.splits.enumerated() {
            let spill = try TokenSpill(path: o.dataFolder + "/\(split.name)" + TokenSpill.suffix)
            let counting = k == 0 && o.bpeSample == 0
            pairs.append(try pass(.read, k, { WordCounts($1, table: $0.table, counting: counting) }) { chunk in
                try spill.append(chunk.spill)
                words += chunk.words
            })
            lines.append(pairs[k] + (k == 0 ? duplicates?.duplicates ?? 0 : 0))
            if try spill.finish() { spills[k] = spill }
            log("read \(split.name): \(lines[k]) pairs from \(split.source), \(split.target)"
                + (k == 0 && o.dedupe ? " (\(lines[k] - pairs[k]) duplicates dropped)" : ""))
        }
        duplicates?.finishDeciding()
        let tokenizeSeconds = clock.lap()
        log("read, normalised and segmented \(words) words in \(Stopwatch.format(tokenizeSeconds)) "
            + "(\(Int(Double(words) / max(tokenizeSeconds, 1e-9))) words/s, \(max(1, o.threads)) threads)")
        if o.bpeSample > 0 {
            // The sample's words, from the spill (or the text) again.
            let sample = PairSample(choosing: o.bpeSample, of: pairs[0], seed: o.seed)
            let n = try pass(.sample, 0, keeping: sample, {
                WordCounts($1, table: $0.table, counting: true, spilling: false)
            }) { _ in }
            try Self.checkUnchanged(o.splits[0], n == pairs[0])
            log("counted the words of \(min(o.bpeSample, pairs[0])) training pairs drawn with seed \(o.seed) "
                + "in \(Stopwatch.format(clock.lap()))")
        }

        // 2. Joint BPE on the training words' counts.
        var wordCounts = segmenter.wordCounts()
        let codes = BPELearner.learn(wordCounts: wordCounts, merges: o.bpeMerges, minFrequency: o.bpeMinFrequency)
        log("learned \(codes.merges.count) BPE merges (asked for \(o.bpeMerges)) from \(wordCounts.count) word types "
            + "in \(Stopwatch.format(clock.lap()))")
        wordCounts = [:]
        // Every word, numbered and segmented once (no merges: whole words,
        // no character split).
        let index = segmenter.wordIndex()
        try index.segment(o.bpeMerges == 0 ? nil : codes, threads: o.threads)
        segmenter.countIndexedWords(index)

        // 3. Which pairs are kept (empty pairs dropped everywhere, over-long
        //    ones in training), the training words' counts, and the pairs as
        //    word numbers for pass 3 (`WordSpill`).
        var counts: [SplitCounts] = []
        var wordSpills: [Int: WordSpill] = [:]
        for (k, split) in o.splits.enumerated() {
            var kept = SubwordCounts()
            let spill = try WordSpill(path: o.dataFolder + "/\(split.name)" + WordSpill.suffix)
            let n = try pass(.count, k, { [maxLength = maxLength(k)] in
                SubwordCounts($1, index: index, maxLength: maxLength, counts: k == 0 ? $0.counts : nil)
            }) { chunk in
                try spill.append(chunk.spill)
                kept.add(chunk)
            }
            try Self.checkUnchanged(split, n == pairs[k] && !kept.unseen)
            if try spill.finish() { wordSpills[k] = spill }
            counts.append(kept.kept)
        }
        // Pass 3 reads the word numbers: the tokens go, where those fitted.
        for k in wordSpills.keys { spills[k] = nil }
        let trainingWords = segmenter.indexedWordCounts()
        var subwords = index.subwordCounts(source: trainingWords.source, target: trainingWords.target)
        segmenter.stopCountingIndexedWords()
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
        subwords = (VocabularyBuilder(), VocabularyBuilder())
        index.encode(source: srcVocab, target: tgtVocab)
        log("vocabularies: \(srcVocab.count) source, \(tgtVocab.count) target tokens\(o.sharedVocabulary ? " (shared)" : "")")

        // 5. Shards (and subword text), streamed to temporary files; then the
        //    vocabulary folder (the manifest last: its presence says the rest
        //    is complete); all renamed into place together (`PrepOutputs`).
        func stage() throws -> (PrepOutputs, PrepManifest) {
            let outputs = PrepOutputs()
            var splitInfos: [String: PrepManifest.SplitInfo] = [:]
            var shortlistCounts = ShortlistCounts(source: srcVocab, target: tgtVocab, threads: o.threads)
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
                let encode: @Sendable ([(source: [Int32], target: [Int32])]) -> EncodedPairs = {
                    [maxLength = maxLength(k), writeText = o.writeText] in
                    EncodedPairs($0, index: index, maxLength: maxLength, writeText: writeText, shortlist: k == 0)
                }
                func write(_ encoded: EncodedPairs) throws {
                    c.add(encoded.kept)
                    srcUnknown += encoded.sourceUnknown
                    tgtUnknown += encoded.targetUnknown
                    try shard.append(encoded)
                    for side in text.indices { try text[side].append(encoded.text[side]) }
                    shortlistCounts.add(distinct: encoded.distinct)
                }
                // From pass 2's word numbers, or (when they did not fit on
                // the disk) from the tokens, numbered again.
                var unseen = false
                let n = if let words = wordSpills[k] {
                    try tracked(.write, k) { try segmenter.forEachChunk(words: words, encode, write) }
                } else {
                    try pass(.write, k, { _, pairs in
                        let numbered = pairs.compactMap(index.numbers)
                        return numbered.count == pairs.count ? encode(numbered) : nil
                    }) { encoded in
                        if let encoded { try write(encoded) } else { unseen = true }
                    }
                }
                try Self.checkUnchanged(split, n == pairs[k] && !unseen && c == expected && shard.isComplete)
                try shard.finish()
                for k in text.indices {
                    try text[k].flush()
                    try text[k].output.finish()
                }
                splitInfos[split.name] = PrepManifest.SplitInfo(
                    sourceFile: split.source, targetFile: split.target, shard: shardName,
                    lines: lines[k], pairs: c.pairs,
                    dropped: c.dropped.merging(k == 0 && o.dedupe ? ["duplicate": lines[k] - pairs[k]] : [:]) { $1 },
                    sourceTokens: c.sourceTokens, targetTokens: c.targetTokens,
                    sourceUnknown: srcUnknown, targetUnknown: tgtUnknown,
                    sourceSubwordsPerSentence: Self.ratio(c.sourceTokens, c.pairs, digits: 2),
                    targetSubwordsPerSentence: Self.ratio(c.targetTokens, c.pairs, digits: 2),
                    sourceUnknownRate: Self.ratio(srcUnknown, c.sourceTokens, digits: 6),
                    targetUnknownRate: Self.ratio(tgtUnknown, c.targetTokens, digits: 6))
            }

            let manifest = PrepManifest(
                name: o.name, normalization: o.normalization, tokenizer: Self.tokenizerName,
                bpe: .init(mergesRequested: o.bpeMerges, mergesLearned: codes.merges.count,
                           minFrequency: o.bpeMinFrequency, codesFile: "bpe.codes",
                           sample: o.bpeSample > 0 ? o.bpeSample : nil, sampleSeed: o.bpeSample > 0 ? o.seed : nil),
                dedupe: o.dedupe ? true : nil,
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
        let spilled = !spills.isEmpty || !wordSpills.isEmpty
        spills = [:]
        wordSpills = [:]
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

    /// a / b to `digits` decimals (nil when b is 0).
    static func ratio(_ a: Int, _ b: Int, digits: Int) -> Double? {
        let scale = pow(10, Double(digits))
        return b > 0 ? (Double(a) / Double(b) * scale).rounded() / scale : nil
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
