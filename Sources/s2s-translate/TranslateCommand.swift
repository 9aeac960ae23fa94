import ArgumentParser
import Foundation
import S2SCore
import S2SKernels
import S2SModel
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
    @Option(parsing: .unconditional, help: "Beam size (1: greedy).") var beamSize = 5
    @Option(parsing: .unconditional, help: "GNMT length penalty α (0: none).") var lengthPenalty = 0.0
    @Option(parsing: .unconditional, help: "GNMT coverage penalty β (0: none).") var coveragePenalty = 0.0
    @Option(parsing: .unconditional, help: "Longest translation: this × source length + 10 subwords.") var maxLenRatio = 2.0
    @Option(parsing: .unconditional, help: "Shortest translation, in subwords.") var minLen = 0
    @Option(parsing: .unconditional, help: "Print this many translations per line (tab-separated after the line number).") var nBest = 1
    @Flag(help: "Print each translation's score (log-probability, length-normalised) before it.") var printScores = false
    @Option(parsing: .unconditional, help: "Lines translated together at most.") var batchSize = 32
    @Option(parsing: .unconditional, help: "A line of more source subwords than this is cut at sentence ends (windows of this many subwords, if a sentence alone is longer), the pieces translated one by one and joined into one output line (default: the longest source the model was trained on, prep.json's max_length).")
    var maxSourceTokens: Int?
    @Flag(help: "Give an empty line and a warning for a line that is not UTF-8, instead of stopping.")
    var skipBadLines = false
    @Option(parsing: .unconditional, help: "Threads for matrix work (default: all cores).") var threads: Int?
    @Option(help: ArgumentHelp("Decoding products' precision: float32, bfloat16 (needs AVX512_BF16), int8 (the decoder's weights quantised per column, needs AVX512-VNNI) or auto (each product the fastest of OpenBLAS, packed float32 and packed bfloat16, timed on this CPU at load).",
                               valueName: "P")) var precision = "auto"
    @Flag(help: "Print how each decoding product runs (with --precision auto, every way's time) to standard error.")
    var showPlan = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Score only the K target subwords most associated with each source subword (the model folder's shortlist.tsv, from s2s-prep) plus the --shortlist-frequent most frequent ones: faster, nearly the same translations (0: the whole vocabulary).", valueName: "K"))
    var shortlist = 0
    @Option(parsing: .unconditional, help: "With --shortlist: the most frequent target subwords always scored.")
    var shortlistFrequent = 100
    @Flag(help: "Replace each <unk> by the source word it attends to most (or its --unk-dict entry).") var replaceUnk = false
    @Option(help: ArgumentHelp("Translations for --replace-unk: 'source<TAB>target' per line.", valueName: "FILE"))
    var unkDict: String?
    @Flag(help: "Append ' ||| S-T …' to each line: source–target subword alignments (attention argmax), source positions in the original order.")
    var printAlignment = false
    @Option(help: ArgumentHelp("Write an attention heatmap per line as DIR/LINE.svg.", valueName: "DIR"))
    var attentionSvg: String?
    @Flag(help: "Sample translations instead of searching (with --temperature, --top-k, --seed).") var sample = false
    @Option(parsing: .unconditional, help: "Sampling temperature.") var temperature = 1.0
    @Option(parsing: .unconditional, help: "Sample among the k most probable tokens (0: all).") var topK = 0
    @Option(parsing: .unconditional, help: "Seed for --sample.") var seed: UInt64 = 1

    func validate() throws {
        if let message = NumberOptions.problem(finite: [("--length-penalty", lengthPenalty), ("--coverage-penalty", coveragePenalty)],
                                               positive: [("--max-len-ratio", maxLenRatio), ("--temperature", temperature)]) {
            throw ValidationError(message)
        }
        if beamSize < 1 { throw ValidationError("--beam-size must be at least 1.") }
        if minLen < 0 || topK < 0 { throw ValidationError("--min-len and --top-k must be 0 or more.") }
        if shortlist < 0 || shortlistFrequent < 0 {
            throw ValidationError("--shortlist and --shortlist-frequent must be 0 or more.")
        }
        if nBest < 1 || nBest > beamSize { throw ValidationError("--n-best must be between 1 and --beam-size (\(beamSize)).") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1.") }
        // Beyond 100 × the source a search only runs on to its limit.
        if maxLenRatio > 100 { throw ValidationError("--max-len-ratio must be at most 100, not \(maxLenRatio).") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
        if let maxSourceTokens, maxSourceTokens < 1 { throw ValidationError("--max-source-tokens must be at least 1.") }
        if precision != "auto" && precision != "int8" && PackedMatrix.Precision(rawValue: precision) == nil {
            throw ValidationError("--precision must be float32, bfloat16, int8 or auto, not '\(precision)'.")
        }
        if precision == "int8" && !Int8Matrix.isAvailable {
            throw ValidationError("--precision int8 needs a CPU with AVX512-VNNI, which this one lacks; use float32, bfloat16 or auto.")
        }
        if precision == "bfloat16" && !PackedMatrix.isBFloat16Available {
            throw ValidationError("--precision bfloat16 needs a CPU with AVX512_BF16, which this one lacks; use float32 or auto.")
        }
    }

    func run() throws {
        if let threads { KernelThreads.set(threads) }
        var options = Translator.Options()
        options.search.beamSize = beamSize
        options.search.lengthPenalty = lengthPenalty
        options.search.coveragePenalty = coveragePenalty
        options.search.maxLengthRatio = maxLenRatio
        options.search.minLength = minLen
        options.search.nBest = nBest
        options.replaceUnknown = replaceUnk
        options.batchSize = batchSize
        options.maxSourceTokens = maxSourceTokens
        options.keepsSplitLineAlignment = printAlignment
        options.shortlist = shortlist
        options.shortlistFrequent = shortlistFrequent
        options.precision = PackedMatrix.Precision(rawValue: precision)  // auto and int8: nil (measured; int8's encoder)
        options.int8 = precision == "int8"
        if let unkDict { options.unknownDictionary = try Self.dictionary(unkDict) }
        if sample {
            var sampling = Sampling.Options()
            sampling.temperature = temperature; sampling.topK = topK; sampling.seed = seed
            sampling.maxLengthRatio = maxLenRatio
            options.sampling = sampling
        }
        let translator = try Translator(modelFolder: model, weights: weights, options: options)
        for other in ensemble { try translator.addToEnsemble(modelFolder: other) }
        // The encoder's whole-sentence products in the precision chosen for
        // them (this process only translates).
        Matmul.precision = translator.model.wholeSequencePrecision
        if showPlan { Self.printPlan(translator.model) }

        var fd: Int32 = 0
        let name = input ?? "stdin"
        if let input {
            fd = open(input, O_RDONLY)
            guard fd >= 0 else { throw InputError(file: input, problem: "cannot be opened: \(String(cString: strerror(errno)))") }
        }
        let reader = LineStream(fd: fd, name: name)
        while let batch = try reader.nextBatch(batchSize: batchSize) {
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
                    FileHandle.standardError.write(Data("s2s-translate: warning: \(name):\(number): \(error.problem); wrote an empty line\n".utf8))
                    lines.append("")
                }
            }
            translator.warn = { index, message in
                FileHandle.standardError.write(Data("s2s-translate: warning: \(name):\(batch[index].number): \(message)\n".utf8))
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

    /// 'source<TAB>target' lines.
    /// --show-plan: each product's path, and the timings auto chose by.
    static func printPlan(_ model: Seq2Seq<Float>) {
        var lines = ["decoding plan (CPU: \(CPUName.current)):"]
        let timings = Dictionary(model.decodingTimings.map { ($0.name, $0.timings) }, uniquingKeysWith: { a, _ in a })
        for (name, path) in model.decodingPlan {
            let measured = timings[name].map { t in
                " (" + t.map { String(format: "%@ %.3f ms", $0.path.rawValue, $0.seconds * 1000) }.joined(separator: ", ") + ")"
            } ?? ""
            lines.append("  \(name): \(path.rawValue)\(measured)")
        }
        lines.append("  whole-sequence products: \(model.wholeSequencePrecision.rawValue)")
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    static func dictionary(_ path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for (k, line) in try LineReader.lines(ofFile: path).enumerated() where !line.isEmpty {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 2 else {
                throw InputError(file: path, line: k + 1, problem: "expected 'source<TAB>target'", hint: "One entry a line")
            }
            out[String(f[0])] = String(f[1])
        }
        return out
    }

    static func main() {
        BLASRuntime.ensureOptimizedKernels()
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
