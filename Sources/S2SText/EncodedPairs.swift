import S2SCore

/// Pass 3's work on a chunk of pairs as `WordIndex` numbers: the kept pairs
/// as subword ids, laid out as the shard stores them (each side's ids end
/// to end, and where each pair ends), the subwords that became `<unk>`,
/// each training pair's distinct ids for the shortlist's counts, and (with
/// `--write-text`) the kept pairs' subword lines. Made on the workers,
/// written out in order.
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

    init(_ pairs: [(source: [Int32], target: [Int32])], index: WordIndex, maxLength: Int,
         writeText: Bool, shortlist: Bool) {
        // Read once a chunk: the index's arrays, not its properties, in the loop.
        let (sourceSide, targetSide, lengths) = (index.ids[0], index.ids[1], index.lengths)
        for (source, target) in pairs {
            guard kept.keep(sourceLength: WordIndex.length(source, lengths), targetLength: WordIndex.length(target, lengths),
                            maxLength: maxLength) else { continue }
            let (s0, t0) = (sourceIds.count, targetIds.count)
            for w in source {
                sourceIds += sourceSide.flat[sourceSide.start[Int(w)]..<sourceSide.start[Int(w) + 1]]
                sourceUnknown += Int(sourceSide.unknown[Int(w)])
            }
            for w in target {
                targetIds += targetSide.flat[targetSide.start[Int(w)]..<targetSide.start[Int(w) + 1]]
                targetUnknown += Int(targetSide.unknown[Int(w)])
            }
            sourceEnds.append(sourceIds.count)
            targetEnds.append(targetIds.count)
            if shortlist {
                distinct.append((ShortlistCounts.distinct(sourceIds[s0...]), ShortlistCounts.distinct(targetIds[t0...])))
            }
            if writeText {
                for (k, side) in [source, target].enumerated() {
                    text[k] += side.flatMap { index.subwords[Int($0)] }.joined(separator: " ").utf8
                    text[k].append(0x0A)
                }
            }
        }
    }
}
