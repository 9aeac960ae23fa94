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

    @OptionGroup var input: PrepInputOptions
    @OptionGroup var segmentation: SegmentationOptions
    @Flag(help: "Replace another data set in VOCAB/NAME and DATA/NAME (its files that this run does not write are removed).")
    var overwrite = false
    @OptionGroup var threads: ThreadsOption  // the outputs are the same for any number
    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        var options = try input.preparationOptions()
        segmentation.apply(to: &options)
        options.overwrite = overwrite
        options.threads = threads.threads
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

