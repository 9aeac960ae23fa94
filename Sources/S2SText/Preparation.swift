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

    /// A split's sentences as subword tokens, after filtering.
    struct SegmentedSplit {
        var source: [[String]]
        var target: [[String]]
        var lines: Int
        var dropped: [String: Int]
    }

    @discardableResult
    public func run() throws -> PrepManifest {
        let o = options
        precondition(o.splits.first?.name == "train", "the first split must be train")
        let tokenizer = Tokenizer(normalization: o.normalization)
        // Output folders first: a file in the way, or another data set in
        // them, stops the run before the work.
        try Folder.create(o.dataFolder)
        try Folder.create(o.vocabFolder)
        let folders = PrepFolders(vocabulary: o.vocabFolder, data: o.dataFolder)
        try folders.checkReplacing(with: o)
        folders.removeTemporaries()

        // 1. Read and tokenise every split (validated: UTF-8, line counts).
        var tokenized: [(source: [[String]], target: [[String]])] = []
        var clock = Stopwatch()
        var texts: [ParallelText] = []
        for split in o.splits {
            let text = try ParallelText(sourcePath: split.source, targetPath: split.target)
            texts.append(text)
            log("read \(split.name): \(text.source.count) pairs from \(split.source), \(split.target)")
        }
        let readSeconds = clock.lap()
        var words = 0
        for text in texts {
            let src = try Self.tokenize(text.source, tokenizer)
            let tgt = try Self.tokenize(text.target, tokenizer)
            words += src.reduce(0) { $0 + $1.count } + tgt.reduce(0) { $0 + $1.count }
            tokenized.append((src, tgt))
        }
        let tokenizeSeconds = clock.lap()
        log("read in \(Stopwatch.format(readSeconds)); normalised and segmented \(words) words in "
            + "\(Stopwatch.format(tokenizeSeconds)) (\(Int(Double(words) / max(tokenizeSeconds, 1e-9))) words/s)")

        // 2. Joint BPE on the training text of both sides.
        var wordCounts: [String: Int] = [:]
        for side in [tokenized[0].source, tokenized[0].target] {
            for sentence in side { for w in sentence { wordCounts[w, default: 0] += 1 } }
        }
        let codes = BPELearner.learn(wordCounts: wordCounts, merges: o.bpeMerges, minFrequency: o.bpeMinFrequency)
        log("learned \(codes.merges.count) BPE merges (asked for \(o.bpeMerges)) from \(wordCounts.count) word types "
            + "in \(Stopwatch.format(clock.lap()))")

        // 3. Apply BPE, drop empty pairs everywhere and over-long training pairs.
        var segmented: [SegmentedSplit] = []
        for (k, split) in tokenized.enumerated() {
            // No merges: whole words (no character split).
            let src = o.bpeMerges == 0 ? split.source : try Self.applyBPE(split.source, codes)
            let tgt = o.bpeMerges == 0 ? split.target : try Self.applyBPE(split.target, codes)
            var result = SegmentedSplit(source: [], target: [], lines: src.count, dropped: ["empty": 0, "too_long": 0])
            for (s, t) in zip(src, tgt) {
                if s.isEmpty || t.isEmpty {
                    result.dropped["empty"]! += 1
                } else if k == 0 && o.maxLength > 0 && (s.count > o.maxLength || t.count > o.maxLength) {
                    result.dropped["too_long"]! += 1
                } else {
                    result.source.append(s)
                    result.target.append(t)
                }
            }
            segmented.append(result)
        }

        log("applied BPE in \(Stopwatch.format(clock.lap()))")
        let kept = segmented[0]
        if kept.source.isEmpty {
            let reasons = kept.dropped.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key == "too_long" ? "longer than --max-len \(o.maxLength)" : $0.key)" }
            let dropped = kept.dropped.values.reduce(0, +)
            throw InputError(
                file: o.splits[0].source,
                problem: "train: 0 usable pairs ("
                    + (kept.lines == 0 ? "the files hold no lines)" : "\(dropped) dropped: \(reasons.joined(separator: ", ")))"),
                hint: kept.dropped["too_long", default: 0] > 0
                    ? "Raise --max-len (0: no limit), or split the long sentences"
                    : "Give training files with text on both sides of each line")
        }

        // 4. Vocabularies from the kept training pairs.
        var srcBuilder = VocabularyBuilder(), tgtBuilder = VocabularyBuilder()
        for s in segmented[0].source { srcBuilder.add(s) }
        for t in segmented[0].target { tgtBuilder.add(t) }
        let srcVocab: Vocabulary, tgtVocab: Vocabulary
        if o.sharedVocabulary {
            srcBuilder.merge(tgtBuilder)
            srcVocab = srcBuilder.build(minCount: o.minCount, maxSize: o.maxVocabularySize)
            tgtVocab = srcVocab
        } else {
            srcVocab = srcBuilder.build(minCount: o.minCount, maxSize: o.maxVocabularySize)
            tgtVocab = tgtBuilder.build(minCount: o.minCount, maxSize: o.maxVocabularySize)
        }
        log("vocabularies: \(srcVocab.count) source, \(tgtVocab.count) target tokens\(o.sharedVocabulary ? " (shared)" : "")")

        // 5. Shards, then the vocabulary folder (the manifest last: its
        //    presence says the rest is complete), made in memory first and
        //    written all or none (`write`).
        var outputs: [(path: String, bytes: [UInt8])] = []
        var splitInfos: [String: PrepManifest.SplitInfo] = [:]
        var shortlist: LexicalShortlist?
        for (k, split) in o.splits.enumerated() {
            let seg = segmented[k]
            var srcUnknown = 0, tgtUnknown = 0
            var pairs: [(source: [Int32], target: [Int32])] = []
            pairs.reserveCapacity(seg.source.count)
            for (s, t) in zip(seg.source, seg.target) {
                let si = srcVocab.ids(s), ti = tgtVocab.ids(t)
                srcUnknown += si.count { $0 == SpecialTokens.unk }
                tgtUnknown += ti.count { $0 == SpecialTokens.unk }
                pairs.append((si, ti))
            }
            if split.name == "train" {
                shortlist = LexicalShortlist.build(pairs: pairs, source: srcVocab, target: tgtVocab)
            }
            let shardName = "\(split.name).s2sb"
            outputs.append((o.dataFolder + "/" + shardName,
                            TokenShard.encode(pairs: pairs, sourceVocabulary: srcVocab, targetVocabulary: tgtVocab)))
            if o.writeText {
                outputs.append((o.dataFolder + "/\(split.name).bpe.src", Array(Self.lines(seg.source).utf8)))
                outputs.append((o.dataFolder + "/\(split.name).bpe.tgt", Array(Self.lines(seg.target).utf8)))
            }
            splitInfos[split.name] = PrepManifest.SplitInfo(
                sourceFile: split.source, targetFile: split.target, shard: shardName,
                lines: seg.lines, pairs: pairs.count, dropped: seg.dropped,
                sourceTokens: pairs.reduce(0) { $0 + $1.source.count },
                targetTokens: pairs.reduce(0) { $0 + $1.target.count },
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
        outputs.append((o.vocabFolder + "/bpe.codes", Array(codes.fileText.utf8)))
        outputs.append((o.vocabFolder + "/src.vocab", Array(srcVocab.fileText.utf8)))
        outputs.append((o.vocabFolder + "/tgt.vocab", Array(tgtVocab.fileText.utf8)))
        if let shortlist { outputs.append((o.vocabFolder + "/" + LexicalShortlist.fileName, Array(shortlist.fileText.utf8))) }
        outputs.append((o.vocabFolder + "/prep.json", try StableJSON.encode(manifest)))
        let written = outputs.map(\.path)
        try Self.write(&outputs)
        folders.removeStale(keeping: written)
        for (k, split) in o.splits.enumerated() {
            let dropped = segmented[k].dropped.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            log("wrote \(o.dataFolder)/\(split.name).s2sb: \(manifest.splits[split.name]!.pairs) pairs"
                + (dropped.isEmpty ? "" : " (dropped \(dropped))"))
        }
        log("wrote \(o.vocabFolder)/{prep.json,bpe.codes,src.vocab,tgt.vocab,\(LexicalShortlist.fileName)} in \(Stopwatch.format(clock.lap()))")
        return manifest
    }

    /// Writes every output under a temporary name, then renames them all into
    /// place: a run that fails (a full disk above all) replaces nothing. Each
    /// output's bytes are let go once they are on disk.
    static func write(_ outputs: inout [(path: String, bytes: [UInt8])]) throws {
        let sizes = outputs.map { ($0.path, $0.bytes.count) }
        let staged = StagedFiles()
        do {
            for k in outputs.indices {
                try staged.stage(outputs[k].bytes, to: outputs[k].path)
                outputs[k].bytes = []
            }
        } catch {
            guard error.isOutOfSpace else { throw error }
            staged.discard()
            throw PrepDiskFull(file: error.path, outputs: sizes)
        }
        try staged.commit()
    }

    static func tokenize(_ lines: [String], _ tokenizer: Tokenizer) throws -> [[String]] {
        try chunkedMap(count: lines.count, makeState: { try Tokenizer.Session(tokenizer) }) { session, range in
            try range.map { try session.tokenize(lines[$0]) }
        }.flatMap { $0 }
    }

    static func applyBPE(_ sentences: [[String]], _ codes: BPECodes) throws -> [[String]] {
        try chunkedMap(count: sentences.count, makeState: { BPE(codes: codes) }) { local, range in
            range.map { local.segment(tokens: sentences[$0]) }
        }.flatMap { $0 }
    }

    static func lines(_ sentences: [[String]]) -> String {
        var text = ""
        for s in sentences {
            text += s.joined(separator: " ")
            text += "\n"
        }
        return text
    }
}
