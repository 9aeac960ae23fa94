import Foundation

/// Corpus chrF (Popović 2015) exactly as sacreBLEU 2.x computes it by
/// default: character n-grams of orders 1–6 over each line with its white
/// space removed, β = 2, statistics summed over the corpus, precision and
/// recall averaged over the orders that occur on both sides.
public enum ChrF {
    public static let order = 6
    public static let beta = 2.0
    public static let signature = "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0"

    public static func corpus(hypotheses: [String], references: [String]) -> Double {
        precondition(hypotheses.count == references.count)
        var stats = [Int](repeating: 0, count: 3 * order)
        for (h, r) in zip(hypotheses, references) {
            let hyp = PythonText.split(Array(PythonText.rstrip(h).unicodeScalars)).flatMap { $0.unicodeScalars }
            let ref = PythonText.split(Array(PythonText.rstrip(r).unicodeScalars)).flatMap { $0.unicodeScalars }
            for n in 1...order {
                let hg = ngrams(hyp, n), rg = ngrams(ref, n)
                var match = 0, hypCount = 0
                for (g, c) in hg {
                    hypCount += c
                    match += min(c, rg[g] ?? 0)
                }
                // sacreBLEU counts no hypothesis n-grams where the reference has none.
                stats[3 * (n - 1)] += rg.isEmpty ? 0 : hypCount
                stats[3 * (n - 1) + 1] += rg.values.reduce(0, +)
                stats[3 * (n - 1) + 2] += match
            }
        }
        return fScore(stats)
    }

    static func ngrams(_ s: [Unicode.Scalar], _ n: Int) -> [String: Int] {
        var out: [String: Int] = [:]
        guard s.count >= n else { return out }
        for i in 0...(s.count - n) {
            out[String(String.UnicodeScalarView(s[i..<(i + n)])), default: 0] += 1
        }
        return out
    }

    static func fScore(_ stats: [Int]) -> Double {
        let factor = beta * beta
        var avgPrecision = 0.0, avgRecall = 0.0, effective = 0
        for i in 0..<order {
            let nHyp = stats[3 * i], nRef = stats[3 * i + 1], nMatch = stats[3 * i + 2]
            if nHyp > 0 && nRef > 0 {
                avgPrecision += Double(nMatch) / Double(nHyp)
                avgRecall += Double(nMatch) / Double(nRef)
                effective += 1
            }
        }
        guard effective > 0 else { return 0 }
        avgPrecision /= Double(effective)
        avgRecall /= Double(effective)
        guard avgPrecision + avgRecall > 0 else { return 0 }
        return 100 * (1 + factor) * avgPrecision * avgRecall / (factor * avgPrecision + avgRecall)
    }
}
