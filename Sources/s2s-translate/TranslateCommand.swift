import ArgumentParser
import Foundation
import S2SCore
import S2SKernels
import S2SModel
import S2SOptions
import S2SSearch
import S2SText
import S2STranslation

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
        if let message = NumberOptions.problem(finite: [], positive: [("--temperature", temperature)]) {
            throw ValidationError(message)
        }
        if topK < 0 { throw ValidationError("--top-k must be 0 or more.") }
        if nBest < 1 || nBest > search.beamSize {
            throw ValidationError("--n-best must be between 1 and --beam-size (\(search.beamSize)).")
        }
    }

    func run() throws {
        search.applyThreads()
        var options = try search.translatorOptions()
        options.search.nBest = nBest
        options.keepsSplitLineAlignment = printAlignment
        if sample {
            var sampling = Sampling.Options()
            sampling.temperature = temperature; sampling.topK = topK; sampling.seed = seed
            sampling.maxLengthRatio = search.maxLenRatio
            options.sampling = sampling
        }
        let translator: Translator
        do {
            translator = try Translator(modelFolder: model, weights: weights, options: options)
        } catch let error as SearchMemoryError {
            throw ValidationError(error.description)
        }
        for other in ensemble { try translator.addToEnsemble(modelFolder: other) }
        // The encoder's whole-sentence products in the precision chosen for
        // them (this process only translates).
        Matmul.precision = translator.model.wholeSequencePrecision
        if showPlan { Self.printPlan(translator.model) }

        var fd: Int32 = 0
        let name = input ?? "stdin"
        if input == nil {
            try StandardStreams.requireInput(hint: "Pipe the text in (s2s-translate --model DIR < FILE), or give --input FILE")
        }
        if let input {
            fd = open(input, O_RDONLY)
            guard fd >= 0 else { throw InputError(file: input, problem: "cannot be opened: \(String(cString: strerror(errno)))") }
        }
        let reader = LineStream(fd: fd, name: name)
        while let batch = try reader.nextBatch(batchSize: search.batchSize) {
            var lines: [String] = []
            for (number, bytes) in batch {
                do {
                    lines.append(try LineReader.decode(bytes, line: number, path: name))
                } catch {
                    // A UTF-16/32 input is wrong as a whole: no line of it is skipped into garbage.
                    if number == 1 && bytes.withUnsafeBytes({ LineReader.otherEncoding($0, path: name) }) != nil { throw error }
                    guard skipBadLines else {
                        throw InputError(file: name, line: number, problem: error.problem,
                                         hint: "Convert the input to UTF-8, or pass --skip-bad-lines to write an empty line for it")
                    }
                    StandardError.write("s2s-translate: warning: \(name):\(number): \(error.problem); wrote an empty line\n")
                    lines.append("")
                }
            }
            translator.warn = { index, message in
                StandardError.write("s2s-translate: warning: \(name):\(batch[index].number): \(message)\n")
            }
            let results = try translator.translate(lines)
            var text = ""
            for (number, translations) in zip(batch.map(\.number), results) {
                if let dir = attentionSvg, let best = translations.first, !best.attention.isEmpty {
                    try AtomicFile.write(text: AttentionSVG.svg(source: best.sourceTokens, target: best.targetTokens,
                                                                weights: best.attention),
                                         to: "\(dir)/\(number).svg")
                }
                for t in translations.prefix(nBest) {
                    var line = nBest > 1 ? "\(number)\t" : ""
                    if printScores { line += String(format: "%.4f\t", t.score) }
                    line += t.text
                    if printAlignment { line += " ||| " + t.alignment.map { "\($0.source)-\($0.target)" }.joined(separator: " ") }
                    text += line + "\n"
                }
            }
            try StandardOutput.write(text)
        }
    }

    /// --show-plan: each product's path, and the timings auto chose by.
    static func printPlan(_ model: Seq2Seq<Float>) {
        var lines = ["decoding plan (CPU: \(CPUName.current)):"]
        let timings = Dictionary(model.decodingTimings.map { ($0.name, $0.timings) }, uniquingKeysWith: { a, _ in a })
        for (name, path) in model.encoderPlan + model.decodingPlan {
            let measured = timings[name].map { t in
                " (" + t.map { String(format: "%@ %.3f ms", $0.path.rawValue, $0.seconds * 1000) }.joined(separator: ", ") + ")"
            } ?? ""
            lines.append("  \(name): \(path.rawValue)\(measured)")
        }
        lines.append("  whole-sequence products: \(model.wholeSequencePrecision.rawValue)")
        StandardError.write(lines.joined(separator: "\n") + "\n")
    }

    static func main() {
        BLASRuntime.ensureOptimizedKernels()  // may re-execute: before anything else
        StandardStreams.prepare()
        HeapTuning.keepFreedBuffers()
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
