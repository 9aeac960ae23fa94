import ArgumentParser
import Foundation
import S2SCore
import S2SKernels
import S2SSearch
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
    @Option(help: ArgumentHelp("Read this file instead of standard input.", valueName: "FILE")) var input: String?
    @Option(help: "Beam size (1: greedy).") var beamSize = 5
    @Option(help: "GNMT length penalty α (0: none).") var lengthPenalty = 0.0
    @Option(help: "Longest translation: this × source length + 10 subwords.") var maxLenRatio = 2.0
    @Option(help: "Shortest translation, in subwords.") var minLen = 0
    @Option(help: "Print this many translations per line (tab-separated after the line number).") var nBest = 1
    @Flag(help: "Print each translation's score (log-probability, length-normalised) before it.") var printScores = false
    @Option(help: "Lines translated together at most.") var batchSize = 32
    @Flag(help: "Give an empty line and a warning for a line that is not UTF-8, instead of stopping.")
    var skipBadLines = false
    @Option(help: "Threads for matrix work (default: all cores).") var threads: Int?

    func validate() throws {
        if beamSize < 1 { throw ValidationError("--beam-size must be at least 1.") }
        if nBest < 1 || nBest > beamSize { throw ValidationError("--n-best must be between 1 and --beam-size (\(beamSize)).") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1.") }
        if maxLenRatio <= 0 { throw ValidationError("--max-len-ratio must be positive.") }
    }

    func run() throws {
        if let threads { BLASThreads.set(threads) }
        var options = Translator.Options()
        options.search.beamSize = beamSize
        options.search.lengthPenalty = lengthPenalty
        options.search.maxLengthRatio = maxLenRatio
        options.search.minLength = minLen
        options.search.nBest = nBest
        let translator = try Translator(modelFolder: model, options: options)

        var fd: Int32 = 0
        let name = input ?? "stdin"
        if let input {
            fd = open(input, O_RDONLY)
            guard fd >= 0 else { throw InputError(file: input, problem: "cannot be opened: \(String(cString: strerror(errno)))") }
        }
        let reader = LineInput(fd: fd)
        let out = FileHandle.standardOutput
        while let batch = reader.nextBatch(batchSize: batchSize) {
            var lines: [String] = []
            for (number, bytes) in batch {
                if let line = String(validating: bytes, as: UTF8.self) {
                    lines.append(line)
                } else if skipBadLines {
                    FileHandle.standardError.write(Data("s2s-translate: warning: \(name):\(number): not valid UTF-8; wrote an empty line\n".utf8))
                    lines.append("")
                } else {
                    throw InputError(file: name, line: number, problem: "not valid UTF-8",
                                     hint: "Convert the input to UTF-8, or pass --skip-bad-lines to write an empty line for it")
                }
            }
            let results = try translator.translate(lines)
            var text = ""
            for (number, hyps) in zip(batch.map(\.number), results) {
                if nBest == 1 && !printScores {
                    text += translator.decode(hyps.first?.tokens ?? []) + "\n"
                    continue
                }
                for h in hyps {
                    let t = translator.decode(h.tokens)
                    text += nBest > 1 ? "\(number)\t" : ""
                    text += printScores ? String(format: "%.4f\t", h.score) + t + "\n" : t + "\n"
                }
            }
            out.write(Data(text.utf8))
        }
    }

    static func main() {
        BLASRuntime.ensureOptimizedKernels()
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
