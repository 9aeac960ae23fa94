import ArgumentParser
import S2S
import S2SOptions

@main
struct Prep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-prep",
        abstract: "Turn a parallel corpus into subword vocabularies and binary training data.",
        discussion: """
            Reads aligned source/target text files (UTF-8, one sentence a line), normalises \
            them (NFKC), splits words, numbers and punctuation with ICU's word break rules \
            (reversibly), learns joint byte-pair encoding on the training text, and writes:

              VOCAB/NAME/   prep.json  bpe.codes  src.vocab  tgt.vocab
              DATA/NAME/    train.s2sb  valid.s2sb  test.s2sb

            Either give a corpus folder holding {train,valid,test}.{src,tgt} (valid and test \
            are optional), or name the files one by one. The same inputs and options always \
            give byte-identical outputs. A run replaces the same preparation (the same inputs \
            and options) in its folders, and another data set only with --overwrite. Nothing \
            is replaced unless every output was written.

            Examples:
              s2s-prep --corpus corpora/bible-en-es
              s2s-prep --name mydata --train-src train.en --train-tgt train.de \\
                       --valid-src dev.en --valid-tgt dev.de --bpe-merges 16000 --shared
            """)

    @Option(help: ArgumentHelp("A folder with train.src, train.tgt and optionally valid.* and test.*.", valueName: "DIR"))
    var corpus: String?

    @Option(help: "Name of the prepared data set: one folder name of letters, digits, '-', '_' and '.' (default: the corpus folder's name).")
    var name: String?

    @Option(help: ArgumentHelp("Training source text (instead of --corpus).", valueName: "FILE"))
    var trainSrc: String?
    @Option(help: ArgumentHelp("Training target text.", valueName: "FILE"))
    var trainTgt: String?
    @Option(help: ArgumentHelp("Validation source text.", valueName: "FILE"))
    var validSrc: String?
    @Option(help: ArgumentHelp("Validation target text.", valueName: "FILE"))
    var validTgt: String?
    @Option(help: ArgumentHelp("Test source text.", valueName: "FILE"))
    var testSrc: String?
    @Option(help: ArgumentHelp("Test target text.", valueName: "FILE"))
    var testTgt: String?

    @Option(help: ArgumentHelp("Where vocabularies go: DIR/NAME/.", valueName: "DIR"))
    var vocabDir = "vocab"
    @Option(help: ArgumentHelp("Where binary shards go: DIR/NAME/.", valueName: "DIR"))
    var dataDir = "data"

    @Option(help: "Unicode normalisation: nfkc, nfc or none.")
    var normalization: Preparation.Normalization = .nfkc
    @Option(parsing: .unconditional, help: "Number of joint BPE merges to learn (0: whole words only).")
    var bpeMerges = 8000
    @Option(parsing: .unconditional, help: "Stop learning BPE when the best pair occurs fewer times than this.")
    var bpeMinFrequency = 2
    @Option(parsing: .unconditional, help: ArgumentHelp("Learn BPE from N training pairs drawn with --seed (0: from all); every pair is still segmented and written.", valueName: "N"))
    var bpeSample = 0
    @Option(parsing: .unconditional, help: "Seed of the --bpe-sample draw.")
    var seed: UInt64 = 1
    @Flag(help: "Drop training pairs whose source and target lines repeat an earlier pair's (counted in prep.json).")
    var dedupe = false
    @Option(parsing: .unconditional, help: "Leave subwords seen fewer times than this out of the vocabulary (they become <unk>).")
    var minCount = 1
    @Option(parsing: .unconditional, help: "Largest vocabulary, specials included (0: no limit).")
    var maxSize = 0
    @Flag(help: "One vocabulary for both sides (needed for tied embeddings).")
    var shared = false
    @Option(parsing: .unconditional, help: "Drop training pairs longer than this many subword tokens on either side (0: no limit).")
    var maxLen = 250
    @Flag(help: "Also write each split's subword text (SPLIT.bpe.src/.tgt) into the data folder.")
    var writeText = false
    @Option(help: ArgumentHelp("The source language's ISO 639-1 code (e.g. en), recorded in prep.json: s2s-serve serves the model under it.", valueName: "CODE"))
    var sourceLang: String?
    @Option(help: ArgumentHelp("The target language's ISO 639-1 code (e.g. es).", valueName: "CODE"))
    var targetLang: String?
    @Flag(help: "Replace another data set in VOCAB/NAME and DATA/NAME (its files that this run does not write are removed).")
    var overwrite = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads for normalising, segmenting and applying BPE (default: the cores); the outputs are the same for any number.", valueName: "N"))
    var threads: Int?
    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if corpus == nil && trainSrc == nil {
            throw ValidationError("Give --corpus DIR, or --train-src and --train-tgt.")
        }
        if corpus != nil && (trainSrc != nil || trainTgt != nil) {
            throw ValidationError("Give either --corpus or --train-src/--train-tgt, not both.")
        }
        for (a, b, what) in [(trainSrc, trainTgt, "train"), (validSrc, validTgt, "valid"), (testSrc, testTgt, "test")]
        where (a == nil) != (b == nil) {
            throw ValidationError("--\(what)-src and --\(what)-tgt go together: give both or neither.")
        }
        if corpus == nil && name == nil {
            throw ValidationError("Give --name for the prepared data set when naming files one by one.")
        }
        if let name, !Preparation.Options.isValidName(name) {
            throw ValidationError("--name '\(name)' is not a data set name: give \(Preparation.Options.nameRule).")
        }
        if bpeMerges < 0 { throw ValidationError("--bpe-merges must be 0 or more, not \(bpeMerges).") }
        if bpeSample < 0 { throw ValidationError("--bpe-sample must be 0 (all pairs) or more, not \(bpeSample).") }
        if bpeMinFrequency < 1 { throw ValidationError("--bpe-min-frequency must be at least 1.") }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1.") }
        if maxSize != 0 && maxSize < 5 { throw ValidationError("--max-size must be 0 (no limit) or at least 5 (4 specials + 1).") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads).") }
        if maxLen < 0 { throw ValidationError("--max-len must be 0 (no limit) or more.") }
        for (flag, code) in [("--source-lang", sourceLang), ("--target-lang", targetLang)] {
            if let code, let problem = S2SCommand.languageProblem(code) { throw ValidationError("\(flag): \(problem).") }
        }
    }

    func run() throws {
        var options: Preparation.Options
        if let corpus {
            options = try S2SCommand.usage { () throws(S2SError) in
                try Preparation.Options(corpus: corpus, name: name, vocabularyDirectory: vocabDir, dataDirectory: dataDir)
            }
        } else {
            var splits = [Preparation.Split(name: "train", source: trainSrc!, target: trainTgt!)]
            if let validSrc, let validTgt { splits.append(.init(name: "valid", source: validSrc, target: validTgt)) }
            if let testSrc, let testTgt { splits.append(.init(name: "test", source: testSrc, target: testTgt)) }
            options = Preparation.Options(name: name!, splits: splits, vocabularyFolder: "\(vocabDir)/\(name!)",
                                          dataFolder: "\(dataDir)/\(name!)")
        }
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
        options.overwrite = overwrite
        options.threads = threads
        var printer = PrepProgressPrinter()
        // Errors describe themselves: file, line, what to do.
        try Preparation(options: options).run { event in
            guard !quiet else { return }
            switch event {
            case .message(let message): S2SCommand.report("s2s-prep: " + message + "\n")
            case .progress(let progress): printer.show(progress)
            }
        }
    }

    static func main() {
        S2SCommand.start(loadsModels: false)
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}

extension Preparation.Normalization: ExpressibleByArgument {}
