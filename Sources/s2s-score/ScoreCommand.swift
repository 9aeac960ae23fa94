import ArgumentParser
import Foundation
import S2S
import S2SOptions

@main
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-score",
        abstract: "Score translations with corpus BLEU and chrF, as sacreBLEU 2.x does by default.",
        discussion: """
            Reads hypotheses from standard input (or --hyp), one per line, aligned with the \
            references in --ref. Prints sacreBLEU's lines: BLEU with 13a tokenisation, exp \
            smoothing and 4-grams (--tokenize, or the tokenisation sacreBLEU uses for --target-lang); chrF with character 6-grams and β = 2; each with its signature.

            Examples:
              s2s-translate --model models/bible < corpora/bible-en-es/test.src | s2s-score --ref corpora/bible-en-es/test.tgt
              s2s-score --ref test.zh --hyp out.zh --target-lang zh
            """)

    @Option(help: ArgumentHelp("Reference translations, one per line.", valueName: "FILE")) var ref: String
    @Option(help: ArgumentHelp("Hypotheses (default: standard input).", valueName: "FILE")) var hyp: String?
    @Option(help: ArgumentHelp("BLEU's tokenisation, as sacreBLEU's --tokenize: 13a (Latin punctuation), intl (Unicode punctuation and symbols), zh (each Chinese character a word), char (each character a word) or none (default: chosen from --target-lang as sacreBLEU chooses it, else 13a).", valueName: "T"))
    var tokenize: Scoring.Tokenization?
    @Option(help: ArgumentHelp("The references' language (ISO 639-1): zh scores with the zh tokenisation, ja and ko with char (sacreBLEU's MeCab tokenisers are not part of s2s), others with 13a.", valueName: "CODE"))
    var targetLang: String?
    @Flag(help: "Also print the share of lines whose reference has format directives (%s, %1$d, {name}, \\n, <b>) that the hypothesis reproduces exactly.")
    var directives = false
    @Flag(help: "Print the two scores as one JSON object instead.") var json = false

    func validate() throws {
        if let targetLang, let problem = S2SCommand.languageProblem(targetLang) { throw ValidationError("--target-lang: \(problem).") }
    }

    func run() throws {
        let references = try S2SCommand.lines(ofFile: ref, standardInputHint: "")
        let hypotheses = try S2SCommand.lines(ofFile: hyp, standardInputHint: "Pipe the translations in (s2s-score --ref REF < HYP), or give --hyp FILE")
        guard hypotheses.count == references.count else {
            throw S2SError.input(file: hyp ?? "stdin", line: nil,
                                 problem: "has \(hypotheses.count) lines but \(ref) has \(references.count)",
                                 hint: "Hypotheses and references must be aligned line by line")
        }
        let tokenization = tokenize ?? .forTarget(language: targetLang)
        if tokenize == nil, let targetLang, tokenization == .char {
            S2SCommand.report("s2s-score: \(targetLang): BLEU on characters (tok:char); sacreBLEU's default for it, MeCab, is not part of s2s\n")
        }
        let bleu = try Scoring.bleu(hypotheses: hypotheses, references: references, tokenization: tokenization)
        let chrf = try Scoring.chrF(hypotheses: hypotheses, references: references)
        let kept = directives ? try Scoring.directivesKept(hypotheses: hypotheses, references: references) : nil
        let share = kept.map { $0.lines > 0 ? 100 * Double($0.kept) / Double($0.lines) : 100 }
        if json {
            let extra = kept.map { String(format: ", \"directives_kept\": %.6f, \"directive_lines\": %d", share!, $0.lines) } ?? ""
            try S2SCommand.write(String(format: "{\"bleu\": %.6f, \"chrf\": %.6f, \"lines\": %d, \"tokenize\": \"%@\"%@}\n", bleu.score,
                                        chrf.score, references.count, tokenization.rawValue, extra))
        } else {
            try S2SCommand.write("\(bleu)  [\(bleu.signature)]\n" + "\(chrf)  [\(chrf.signature)]\n"
                                 + (kept.map { String(format: "directives kept = %.2f%% (%d of %d lines with format directives)\n",
                                                     share!, $0.kept, $0.lines) } ?? ""))
        }
    }

    static func main() {
        S2SCommand.start(loadsModels: false)
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}

extension Scoring.Tokenization: ExpressibleByArgument {}
