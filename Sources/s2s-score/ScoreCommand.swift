import ArgumentParser
import Foundation
import S2SCore
import S2SMetrics
import S2SText

@main
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-score",
        abstract: "Score translations with corpus BLEU and chrF, as sacreBLEU 2.x does by default.",
        discussion: """
            Reads hypotheses from standard input (or --hyp), one per line, aligned with the \
            references in --ref. Prints sacreBLEU's lines: BLEU with 13a tokenisation, exp \
            smoothing and 4-grams; chrF with character 6-grams and β = 2; each with its signature.

            Example:
              s2s-translate --model models/bible < corpora/bible-en-es/test.src | s2s-score --ref corpora/bible-en-es/test.tgt
            """)

    @Option(help: ArgumentHelp("Reference translations, one per line.", valueName: "FILE")) var ref: String
    @Option(help: ArgumentHelp("Hypotheses (default: standard input).", valueName: "FILE")) var hyp: String?
    @Flag(help: "Print the two scores as one JSON object instead.") var json = false

    func run() throws {
        let references = try LineReader.lines(ofFile: ref)
        let hypotheses: [String]
        if let hyp {
            hypotheses = try LineReader.lines(ofFile: hyp)
        } else {
            try StandardStreams.requireInput(hint: "Pipe the translations in (s2s-score --ref REF < HYP), or give --hyp FILE")
            hypotheses = try LineReader.lines(of: Data(StandardInput.readAll()), path: "stdin")
        }
        guard hypotheses.count == references.count else {
            throw InputError(file: hyp ?? "stdin",
                             problem: "has \(hypotheses.count) lines but \(ref) has \(references.count)",
                             hint: "Hypotheses and references must be aligned line by line")
        }
        let bleu = BLEU.corpus(hypotheses: hypotheses, references: references)
        let chrf = ChrF.corpus(hypotheses: hypotheses, references: references)
        // Through StandardOutput: a full disk behind a redirection is an error, not lost scores.
        if json {
            try StandardOutput.write(String(format: "{\"bleu\": %.6f, \"chrf\": %.6f, \"lines\": %d}\n", bleu.score, chrf,
                                            references.count))
        } else {
            try StandardOutput.write("\(bleu.description)  [\(BLEU.signature)]\n"
                                     + String(format: "chrF2 = %.2f  [%@]\n", chrf, ChrF.signature))
        }
    }

    static func main() {
        StandardStreams.prepare()
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
