import ArgumentParser
import Foundation
import S2S
import S2SOptions

@main
struct Translate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-translate",
        abstract: "Translate text with a model trained by s2s-train: one line in, one line out.",
        discussion: """
            Reads raw text from standard input (or --input), applies the model folder's own \
            normalisation, tokenisation and BPE, translates with beam search, undoes the \
            segmentation, and writes one line per input line, in order, to standard output. \
            Empty lines give empty lines. Lines that arrive while others are being read are \
            batched; a line typed at a terminal is answered at once.

            Examples:
              echo "In the beginning God created the heavens and the earth." | s2s-translate --model models/bible
              s2s-translate --model models/bible --beam-size 5 --length-penalty 0.6 < test.en > test.es
            """)

    @Option(help: ArgumentHelp("Model folder written by s2s-train.", valueName: "DIR")) var model: String
    @Option(help: ArgumentHelp("More model folders whose log-probabilities are averaged with --model's (same vocabularies).", valueName: "DIR"))
    var ensemble: [String] = []
    @Option(help: ArgumentHelp("Parameters to use instead of MODEL/model.safetensors (e.g. from s2s-average).", valueName: "FILE"))
    var weights: String?
    @Option(help: ArgumentHelp("Read this file instead of standard input.", valueName: "FILE")) var input: String?
    @OptionGroup(title: "Search") var search: SearchOptions
    @Option(parsing: .unconditional, help: "Print this many translations per line (tab-separated after the line number).") var nBest = 1
    @Flag(help: "Print each translation's score (log-probability, length-normalised) before it.") var printScores = false
    @Flag(help: "Give an empty line and a warning for a line that is not UTF-8, instead of stopping.")
    var skipBadLines = false
    @Flag(help: "Print how each decoding product runs (with --precision auto, every way's time) to standard error.")
    var showPlan = false
    @Flag(help: "Append ' ||| S-T …' to each line: source–target subword alignments (attention argmax), source positions in the original order.")
    var printAlignment = false
    @Option(help: ArgumentHelp("Write an attention heatmap per line as DIR/LINE.svg.", valueName: "DIR"))
    var attentionSvg: String?
    @Flag(help: "Sample translations instead of searching (with --temperature, --top-k, --seed).") var sample = false
    @Option(parsing: .unconditional, help: "Sampling temperature.") var temperature = 1.0
    @Option(parsing: .unconditional, help: "Sample among the k most probable tokens (0: all).") var topK = 0
    @Option(parsing: .unconditional, help: "Seed for --sample.") var seed: UInt64 = 1

    func validate() throws {
        if let message = S2SCommand.numberProblem(finite: [], positive: [("--temperature", temperature)]) {
            throw ValidationError(message)
        }
        if topK < 0 { throw ValidationError("--top-k must be 0 or more.") }
        if nBest < 1 || nBest > search.beamSize {
            throw ValidationError("--n-best must be between 1 and --beam-size (\(search.beamSize)).")
        }
    }

    func run() throws {
        var options = try search.translatorOptions()
        options.nBest = nBest
        options.alignments = printAlignment
        options.attention = attentionSvg != nil
        if sample {
            var sampling = Translator.Options.Sampling()
            sampling.temperature = temperature; sampling.topK = topK; sampling.seed = seed
            options.sampling = sampling
        }
        let translator = try load(options)
        if showPlan { S2SCommand.report(translator.decodingPlan) }

        let lines = try InputLines(path: input, standardInputHint: "Pipe the text in (s2s-translate --model DIR < FILE), or give --input FILE")
        let warn = { (message: String) in S2SCommand.report("s2s-translate: warning: \(message)\n") }
        while let batch = try lines.nextBatch(size: search.batchSize, skipBadLines: skipBadLines, warn: warn) {
            let results = try translator.translate(batch.map(\.text)) { index, message in
                warn("\(lines.name):\(batch[index].number): \(message)")
            }
            var text = ""
            for ((number, _), translation) in zip(batch, results) {
                let best = translation.candidates[0]
                if let dir = attentionSvg, !best.attention.isEmpty {
                    try S2SCommand.writeFile(AttentionSVG.svg(source: best.sourceTokens, target: best.targetTokens,
                                                              weights: best.attention),
                                             to: "\(dir)/\(number).svg")
                }
                for t in translation.candidates {
                    var line = nBest > 1 ? "\(number)\t" : ""
                    if printScores { line += String(format: "%.4f\t", t.score) }
                    line += t.text
                    if printAlignment { line += " ||| " + t.alignment.map { "\($0.source)-\($0.target)" }.joined(separator: " ") }
                    text += line + "\n"
                }
            }
            try S2SCommand.write(text)
        }
    }

    /// The translator; options it cannot run with on this machine (a batch
    /// too big for memory) are a usage error that names them.
    func load(_ options: Translator.Options) throws -> Translator {
        do {
            return try Translator(modelFolder: model, weights: weights, ensemble: ensemble, options: options)
        } catch {
            guard case .options(let problem, let hint) = error else { throw error }
            throw ValidationError("\(problem). \(hint)")
        }
    }

    static func main() {
        S2SCommand.start(loadsModels: true)
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
