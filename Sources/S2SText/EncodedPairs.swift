import S2SCore

/// Pass 3's work on a chunk of pairs as subwords: the kept pairs as ids,
/// the subwords that became `<unk>`, and (with `--write-text`) the kept
/// pairs' subword lines. Made on the workers, written out in order.
struct EncodedPairs: Sendable {
    var kept = SplitCounts()
    var pairs: [(source: [Int32], target: [Int32])] = []
    var sourceUnknown = 0
    var targetUnknown = 0
    /// Source and target lines of `SPLIT.bpe.src/.tgt` (empty without text).
    var text: [[UInt8]] = [[], []]

    init(_ pairs: [(source: [String], target: [String])], maxLength: Int,
         source: Vocabulary, target: Vocabulary, writeText: Bool) {
        for (s, t) in pairs where kept.keep(s, t, maxLength: maxLength) {
            let si = source.ids(s), ti = target.ids(t)
            sourceUnknown += si.count { $0 == SpecialTokens.unk }
            targetUnknown += ti.count { $0 == SpecialTokens.unk }
            self.pairs.append((si, ti))
            if writeText {
                for (k, side) in [s, t].enumerated() {
                    text[k] += side.joined(separator: " ").utf8
                    text[k].append(0x0A)
                }
            }
        }
    }
}
