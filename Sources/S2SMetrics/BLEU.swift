import Foundation

/// Corpus BLEU (Papineni et al. 2002) exactly as sacreBLEU 2.x computes it
/// by default: 13a tokenisation (or another of `BLEUTokenizer`), n-grams up to 4, "exp" smoothing (mteval's:
/// an order with no match gets precision 100/(2^k·total)), brevity penalty on
/// the corpus lengths, one reference per line, case kept.
public struct BLEU: Sendable {
    public static let maxOrder = 4

    public struct Score: Sendable, Equatable {
        public var score: Double
        public var counts: [Int]
        public var totals: [Int]
        public var precisions: [Double]
        public var brevityPenalty: Double
        public var hypothesisLength: Int
        public var referenceLength: Int

        public var ratio: Double { referenceLength > 0 ? Double(hypothesisLength) / Double(referenceLength) : 0 }

        /// sacreBLEU's line: `BLEU = 12.34 45.6/20.1/10.2/5.3 (BP = 0.950 ratio = 0.951 hyp_len = … ref_len = …)`.
        public var description: String {
            let p = precisions.map { String(format: "%.1f", $0) }.joined(separator: "/")
            return String(format: "BLEU = %.2f %@ (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
                          score, p, brevityPenalty, ratio, hypothesisLength, referenceLength)
        }
    }

    /// sacreBLEU's signature of a score computed with `tokenizer`.
    public static func signature(tokenizer: BLEUTokenizer = .thirteenA) -> String {
        "nrefs:1|case:mixed|eff:no|tok:\(tokenizer.rawValue)|smooth:exp|version:2.6.0"
    }

    public static func corpus(hypotheses: [String], references: [String], tokenizer: BLEUTokenizer = .thirteenA) -> Score {
        precondition(hypotheses.count == references.count)
        var correct = [Int](repeating: 0, count: maxOrder), total = correct
        var sysLen = 0, refLen = 0
        for (h, r) in zip(hypotheses, references) {
            let hyp = tokenizer.tokenize(PythonText.rstrip(h))
            let ref = tokenizer.tokenize(PythonText.rstrip(r))
            sysLen += hyp.count
            refLen += ref.count
            for n in 1...maxOrder {
                let hypGrams = ngrams(hyp, n), refGrams = ngrams(ref, n)
                for (g, c) in hypGrams {
                    total[n - 1] += c
                    correct[n - 1] += min(c, refGrams[g] ?? 0)
                }
            }
        }
        return compute(correct: correct, total: total, sysLen: sysLen, refLen: refLen)
    }

    static func ngrams(_ tokens: [String], _ n: Int) -> [String: Int] {
        var out: [String: Int] = [:]
        guard tokens.count >= n else { return out }
        for i in 0...(tokens.count - n) {
            out[tokens[i..<(i + n)].joined(separator: " "), default: 0] += 1
        }
        return out
    }

    static func compute(correct: [Int], total: [Int], sysLen: Int, refLen: Int) -> Score {
        var bp = 1.0
        if sysLen < refLen { bp = sysLen > 0 ? Foundation.exp(1 - Double(refLen) / Double(sysLen)) : 0 }
        var precisions = [Double](repeating: 0, count: maxOrder)
        guard correct.contains(where: { $0 > 0 }) else {
            return Score(score: 0, counts: correct, totals: total, precisions: precisions, brevityPenalty: bp,
                         hypothesisLength: sysLen, referenceLength: refLen)
        }
        var smooth = 1.0
        for n in 1...maxOrder {
            if total[n - 1] == 0 { break }
            if correct[n - 1] == 0 {
                smooth *= 2
                precisions[n - 1] = 100 / (smooth * Double(total[n - 1]))
            } else {
                precisions[n - 1] = 100 * Double(correct[n - 1]) / Double(total[n - 1])
            }
        }
        let logSum = precisions.reduce(0.0) { $0 + ($1 == 0 ? -9_999_999_999 : Foundation.log($1)) }
        return Score(score: bp * Foundation.exp(logSum / Double(maxOrder)), counts: correct, totals: total,
                     precisions: precisions, brevityPenalty: bp, hypothesisLength: sysLen, referenceLength: refLen)
    }
}
