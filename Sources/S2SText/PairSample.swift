import S2SCore

/// `s2s-prep --bpe-sample N`: N of the training pairs, drawn with the seed,
/// that BPE learns its merges from (as SentencePiece's
/// `--input_sentence_size`); every pair is still segmented and written.
/// Knuth's selection sampling (TAOCP 3.4.2, algorithm S): pair i of `total`
/// is chosen with probability (N − chosen so far) / (total − i), which
/// chooses exactly N, each N-subset equally likely, one draw a pair.
final class PairSample: PairFilter {
    private var chosen = PairBits()

    init(choosing n: Int, of total: Int, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var left = min(n, total)
        for i in 0..<total {
            let take = left > 0 && generator.nextInt(below: total - i) < left
            chosen.append(take)
            if take { left -= 1 }
        }
    }

    func filter(_ batch: (source: [String], target: [String]), first: Int) -> (source: [String], target: [String]) {
        keeping(batch, first: first) { chosen.contains($0) }
    }
}
