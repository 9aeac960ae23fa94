import S2SCore

/// Pass 3's work on a chunk of pairs as words: the kept pairs as subword
/// ids, laid out as the shard stores them (each side's ids end to end, and
/// where each pair ends), the subwords that became `<unk>`, each training
/// pair's distinct ids for the shortlist's counts, and (with `--write-text`)
/// the kept pairs' subword lines. Made on the workers through their
/// `WordTable`s, written out in order.
struct EncodedPairs: Sendable {
    var kept = SplitCounts()
    var sourceIds: [Int32] = [], targetIds: [Int32] = []
    /// Where each kept pair ends in `sourceIds` / `targetIds`.
    var sourceEnds: [Int] = [], targetEnds: [Int] = []
    var sourceUnknown = 0
    var targetUnknown = 0
    /// Per kept pair, its distinct source and target ids (`ShortlistCounts`);
    /// empty unless asked for.
    var distinct: [(source: [Int32], target: [Int32])] = []
    /// Source and target lines of `SPLIT.bpe.src/.tgt` (empty without text).
    var text: [[UInt8]] = [[], []]

    var count: Int { sourceEnds.count }

    init(_ pairs: [(source: [String], target: [String])], table: WordTable, maxLength: Int,
         writeText: Bool, shortlist: Bool) {
        for (s, t) in pairs {
            let source = s.map(table.id), target = t.map(table.id)
            guard kept.keep(sourceLength: table.length(source), targetLength: table.length(target),
                            maxLength: maxLength) else { continue }
            let (s0, t0) = (sourceIds.count, targetIds.count)
            sourceUnknown += table.appendIds(source, target: false, to: &sourceIds)
            targetUnknown += table.appendIds(target, target: true, to: &targetIds)
            sourceEnds.append(sourceIds.count)
            targetEnds.append(targetIds.count)
            if shortlist {
                distinct.append((ShortlistCounts.distinct(sourceIds[s0...]), ShortlistCounts.distinct(targetIds[t0...])))
            }
            if writeText {
                for (k, side) in [source, target].enumerated() {
                    text[k] += side.flatMap(table.subwords).joined(separator: " ").utf8
                    text[k].append(0x0A)
                }
            }
        }
    }
}
