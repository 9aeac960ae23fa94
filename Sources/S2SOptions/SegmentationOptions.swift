import ArgumentParser
import S2S

/// s2s-prep's segmentation and vocabularies: normalisation, joint BPE,
/// which pairs are kept, the vocabularies' limits and the languages
/// recorded in prep.json.
public struct SegmentationOptions: ParsableArguments {
    @Option(help: "Unicode normalisation: nfkc, nfc or none.")
    public var normalization: Preparation.Normalization = .nfkc
    @Option(parsing: .unconditional, help: "Number of joint BPE merges to learn (0: whole words only).")
    public var bpeMerges = 8000
    @Option(parsing: .unconditional, help: "Stop learning BPE when the best pair occurs fewer times than this.")
    public var bpeMinFrequency = 2
    @Option(parsing: .unconditional, help: ArgumentHelp("Learn BPE from N training pairs drawn with --seed (0: from all); every pair is still segmented and written.", valueName: "N"))
    public var bpeSample = 0
    @Option(parsing: .unconditional, help: "Seed of the --bpe-sample draw.")
    public var seed: UInt64 = 1
    @Flag(help: "Drop training pairs whose source and target lines repeat an earlier pair's (counted in prep.json).")
    public var dedupe = false
    @Option(parsing: .unconditional, help: "Leave subwords seen fewer times than this out of the vocabulary (they become <unk>).")
    public var minCount = 1
    @Option(parsing: .unconditional, help: "Largest vocabulary, specials included (0: no limit).")
    public var maxSize = 0
    @Flag(help: "One vocabulary for both sides (needed for tied embeddings).")
    public var shared = false
    @Option(parsing: .unconditional, help: "Drop training pairs longer than this many subword tokens on either side (0: no limit).")
    public var maxLen = 250
    @Flag(help: "Also write each split's subword text (SPLIT.bpe.src/.tgt) into the data folder.")
    public var writeText = false
    @Option(help: ArgumentHelp("The source language's ISO 639-1 code (e.g. en), recorded in prep.json: s2s-serve serves the model under it.", valueName: "CODE"))
    public var sourceLang: String?
    @Option(help: ArgumentHelp("The target language's ISO 639-1 code (e.g. es).", valueName: "CODE"))
    public var targetLang: String?

    public init() {}

    public func validate() throws {
        if bpeMerges < 0 { throw ValidationError("--bpe-merges must be 0 or more, not \(bpeMerges).") }
        if bpeSample < 0 { throw ValidationError("--bpe-sample must be 0 (all pairs) or more, not \(bpeSample).") }
        if bpeMinFrequency < 1 { throw ValidationError("--bpe-min-frequency must be at least 1.") }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1.") }
        if maxSize != 0 && maxSize < 5 { throw ValidationError("--max-size must be 0 (no limit) or at least 5 (4 specials + 1).") }
        if maxLen < 0 { throw ValidationError("--max-len must be 0 (no limit) or more.") }
        for (flag, code) in [("--source-lang", sourceLang), ("--target-lang", targetLang)] {
            if let code, let problem = S2SCommand.languageProblem(code) { throw ValidationError("\(flag): \(problem).") }
        }
    }

    public func apply(to options: inout Preparation.Options) {
        options.normalization = normalization
        options.bpeMerges = bpeMerges
        options.bpeMinFrequency = bpeMinFrequency
        options.bpeSample = bpeSample
        options.seed = seed
        options.dedupe = dedupe
        options.minCount = minCount
        options.maxVocabularySize = maxSize
        options.sharedVocabulary = shared
        options.maxLength = maxLen
        options.writeText = writeText
        options.sourceLanguage = sourceLang
        options.targetLanguage = targetLang
    }
}

extension Preparation.Normalization: ExpressibleByArgument {}
