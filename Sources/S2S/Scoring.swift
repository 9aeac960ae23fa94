internal import Foundation
internal import S2SMetrics

/// Corpus BLEU and chrF of translations against references, exactly as
/// sacreBLEU 2.x computes them by default (`s2s-score` prints these).
///
/// ```swift
/// let bleu = try Scoring.bleu(hypotheses: translations, references: references)
/// print(bleu.score, bleu.signature)  // 31.42 nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0
/// ```
///
/// One reference per hypothesis, aligned by index; case is kept.
public enum Scoring {
    /// How BLEU splits a line into the words it counts n-grams of:
    /// sacreBLEU's `--tokenize` choices that need no external model.
    public enum Tokenization: String, CaseIterable, Sendable {
        /// mteval-v13a: Latin punctuation split off; sacreBLEU's default.
        case thirteenA = "13a"
        /// mteval-v14's international: Unicode punctuation and symbols split off.
        case intl
        /// Every Chinese character a word, the rest as 13a.
        case zh
        /// Every character a word (s2s's choice for Japanese and Korean,
        /// where sacreBLEU uses MeCab).
        case char
        /// White space only.
        case none

        /// The tokenisation sacreBLEU uses for a target language (an ISO
        /// 639-1 code; a region or script after `-` or `_` is ignored):
        /// `zh` for Chinese, `char` for Japanese and Korean, else `13a`.
        public static func forTarget(language: String?) -> Tokenization {
            Tokenization(BLEUTokenizer.forTarget(language: language))
        }

        init(_ tokenizer: BLEUTokenizer) { self = Tokenization(rawValue: tokenizer.rawValue)! }
        var tokenizer: BLEUTokenizer { BLEUTokenizer(rawValue: rawValue)! }
    }

    /// A corpus BLEU score and the statistics it comes from.
    public struct BLEUScore: Sendable, Hashable, CustomStringConvertible {
        /// BLEU, 0–100.
        public let score: Double
        /// The n-gram precisions (orders 1–4), 0–100, smoothed as sacreBLEU's "exp".
        public let precisions: [Double]
        /// Matching n-grams of each order.
        public let counts: [Int]
        /// Hypothesis n-grams of each order.
        public let totals: [Int]
        /// The brevity penalty, 0–1.
        public let brevityPenalty: Double
        /// Words in the hypotheses.
        public let hypothesisLength: Int
        /// Words in the references.
        public let referenceLength: Int
        /// The tokenisation the words were counted in.
        public let tokenization: Tokenization

        /// Hypothesis words per reference word.
        public var ratio: Double { referenceLength > 0 ? Double(hypothesisLength) / Double(referenceLength) : 0 }

        /// sacreBLEU's signature of the score, e.g.
        /// `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`.
        public var signature: String { BLEU.signature(tokenizer: tokenization.tokenizer) }

        /// sacreBLEU's line: `BLEU = 12.34 45.6/20.1/10.2/5.3 (BP = 0.950 ratio = 0.951 hyp_len = … ref_len = …)`.
        public let description: String
    }

    /// A corpus chrF score (character 6-grams, β = 2).
    public struct ChrFScore: Sendable, Hashable, CustomStringConvertible {
        /// chrF2, 0–100.
        public let score: Double
        /// sacreBLEU's signature of the score.
        public var signature: String { ChrF.signature }
        /// sacreBLEU's line: `chrF2 = 56.78`.
        public var description: String { String(format: "chrF2 = %.2f", score) }
    }

    /// Corpus BLEU of `hypotheses` against `references` (n-grams up to 4,
    /// "exp" smoothing, brevity penalty on the corpus lengths).
    /// - Throws: ``S2SError/input(file:line:problem:hint:)`` when the two
    ///   differ in length.
    public static func bleu(hypotheses: [String], references: [String],
                            tokenization: Tokenization = .thirteenA) throws(S2SError) -> BLEUScore {
        try checkAligned(hypotheses, references)
        let s = BLEU.corpus(hypotheses: hypotheses, references: references, tokenizer: tokenization.tokenizer)
        return BLEUScore(score: s.score, precisions: s.precisions, counts: s.counts, totals: s.totals,
                         brevityPenalty: s.brevityPenalty, hypothesisLength: s.hypothesisLength,
                         referenceLength: s.referenceLength, tokenization: tokenization, description: s.description)
    }

    /// Corpus chrF of `hypotheses` against `references` (character n-grams
    /// of orders 1–6 without white space, β = 2).
    /// - Throws: ``S2SError/input(file:line:problem:hint:)`` when the two
    ///   differ in length.
    public static func chrF(hypotheses: [String], references: [String]) throws(S2SError) -> ChrFScore {
        try checkAligned(hypotheses, references)
        return ChrFScore(score: ChrF.corpus(hypotheses: hypotheses, references: references))
    }

    /// Of the lines whose reference has format directives (`%s`, `%1$d`,
    /// `{name}`, `\n`, `<b>`), how many hypotheses reproduce them exactly
    /// (in any order): `s2s-score --directives`.
    public static func directivesKept(hypotheses: [String], references: [String]) throws(S2SError) -> (kept: Int, lines: Int) {
        try checkAligned(hypotheses, references)
        return FormatDirectives.kept(hypotheses: hypotheses, references: references)
    }

    static func checkAligned(_ hypotheses: [String], _ references: [String]) throws(S2SError) {
        guard hypotheses.count == references.count else {
            throw .input(file: "hypotheses", line: nil,
                         problem: "has \(hypotheses.count) lines but the references have \(references.count)",
                         hint: "Hypotheses and references must be aligned line by line")
        }
    }
}
