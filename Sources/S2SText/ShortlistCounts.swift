import Foundation
import S2SCore

/// The counts that `LexicalShortlist` ranks by, gathered a batch of training
/// pairs at a time: c(s) and c(t), the pairs holding each source and target
/// id, and c(s, t) for the ids that occur together, kept per source id. Their
/// size follows the vocabularies and what co-occurs in them, not the number
/// of pairs, so a corpus of any size streams through.
///
/// c(s, t) costs |s| · |t| a pair: the source ids are dealt out to `threads`
/// slices (s mod threads), each counted on its own thread into its own rows.
struct ShortlistCounts {
    let source: Vocabulary
    let target: Vocabulary
    private var sourceCount: [Int32]
    private var targetCount: [Int32]
    private let slices: [JointSlice]
    /// Pairs added but not yet counted, as their distinct ids: counted a
    /// batch at a time, as c(s, t) is gathered in a dense row once per
    /// source id and batch.
    private var pending: [(source: [Int32], target: [Int32])] = []
    static let batchSize = 16384

    init(source: Vocabulary, target: Vocabulary, threads: Int = 1) {
        self.source = source
        self.target = target
        sourceCount = [Int32](repeating: 0, count: source.count)
        targetCount = [Int32](repeating: 0, count: target.count)
        let n = max(1, threads)
        slices = (0..<n).map { JointSlice(index: $0, of: n, sourceCount: source.count, targetCount: target.count) }
    }

    /// A sentence's distinct ids but the specials, ascending: what a pair
    /// adds to the counts (computed where the pairs are made, on the workers).
    static func distinct(_ ids: ArraySlice<Int32>) -> [Int32] {
        let first = Int32(SpecialTokens.names.count)
        var sorted = ids.filter { $0 >= first }
        sorted.sort()
        var n = 0
        for k in sorted.indices where n == 0 || sorted[n - 1] != sorted[k] {
            sorted[n] = sorted[k]
            n += 1
        }
        sorted.removeLast(sorted.count - n)
        return sorted
    }

    mutating func add(_ pairs: [(source: [Int32], target: [Int32])]) {
        add(distinct: pairs.map { (Self.distinct($0.source[...]), Self.distinct($0.target[...])) })
    }

    /// Pairs as their `distinct` ids.
    mutating func add(distinct pairs: [(source: [Int32], target: [Int32])]) {
        pending += pairs
        if pending.count >= Self.batchSize { countPending() }
    }

    private mutating func countPending() {
        let pairs = pending
        pending = []
        // For each source id the pairs holding it.
        var pairsOf = [[Int32]](repeating: [], count: source.count)
        for (i, p) in pairs.enumerated() {
            for id in p.source { pairsOf[Int(id)].append(Int32(i)); sourceCount[Int(id)] += 1 }
            for id in p.target { targetCount[Int(id)] += 1 }
        }
        // The pairs' target ids end to end (pair i's from ends[i] to ends[i + 1]).
        var targets: [Int32] = [], ends: [Int] = [0]
        for p in pairs {
            targets += p.target
            ends.append(targets.count)
        }
        let (slices, counted, batch) = (self.slices, pairsOf, (targets, ends))
        DispatchQueue.concurrentPerform(iterations: slices.count) { w in
            slices[w].count(targets: batch.0, ends: batch.1, pairsOf: counted)
        }
    }

    /// The `keep` best targets of every source id by Dice, and up to
    /// `keep` · 10 most frequent targets.
    mutating func shortlist(keep: Int) -> LexicalShortlist {
        countPending()
        let first = SpecialTokens.names.count
        var lists = [[Int32]](repeating: [], count: source.count)
        for s in first..<source.count where sourceCount[s] > 0 {
            let cs = Double(sourceCount[s])
            func dice(_ t: Int32, _ joint: Int32) -> Double { 2 * Double(joint) / (cs + Double(targetCount[Int(t)])) }
            // Best first; ties by the smaller id, so the lists are deterministic.
            let joint = slices[s % slices.count].joint(s)
            let ranked = joint.map { (id: $0.key, dice: dice($0.key, $0.value)) }.sorted { a, b in
                a.dice != b.dice ? a.dice > b.dice : a.id < b.id
            }
            lists[s] = ranked.prefix(keep).map(\.id)
        }
        let seen: [Int] = (first..<target.count).filter { targetCount[$0] > 0 }
        let byCount: [Int] = seen.sorted { (a: Int, b: Int) -> Bool in
            targetCount[a] != targetCount[b] ? targetCount[a] > targetCount[b] : a < b
        }
        let frequent: [Int32] = byCount.prefix(keep * 10).map { Int32($0) }
        return LexicalShortlist(lists: lists, frequent: frequent, sourceVocabularyHash: source.hash,
                                targetVocabularyHash: target.hash)
    }
}

/// c(s, t) for the source ids s with s mod `stride` == `index`, counted by
/// one thread at a time (each slice's rows are its own).
private final class JointSlice: @unchecked Sendable {
    let index: Int, stride: Int
    /// joint[s / stride][t] = c(s, t), for the t that occur with s.
    private var rows: [[Int32: Int32]]
    /// A dense row of c(s, t) for one s within a batch; zero between uses.
    private var dense: [Int32]

    init(index: Int, of stride: Int, sourceCount: Int, targetCount: Int) {
        self.index = index
        self.stride = stride
        rows = Array(repeating: [:], count: (sourceCount + stride - 1) / stride)
        dense = Array(repeating: 0, count: targetCount)
    }

    func joint(_ s: Int) -> [Int32: Int32] { rows[s / stride] }

    /// A batch's c(s, t) for this slice's s: gathered in the dense row,
    /// then added to the running counts. `targets[ends[i]..<ends[i + 1]]`:
    /// pair i's distinct target ids.
    func count(targets: [Int32], ends: [Int], pairsOf: [[Int32]]) {
        // Local, uniquely held copies: a class's stored arrays would be
        // checked for exclusive access at every element.
        var dense = self.dense, rows = self.rows
        self.dense = []
        self.rows = []
        defer {
            self.dense = dense
            self.rows = rows
        }
        let first = SpecialTokens.names.count
        var touched: [Int32] = []
        var s = first + (index - first % stride + stride) % stride
        targets.withUnsafeBufferPointer { targets in
            ends.withUnsafeBufferPointer { ends in
                dense.withUnsafeMutableBufferPointer { dense in
                    while s < pairsOf.count {
                        defer { s += stride }
                        if pairsOf[s].isEmpty { continue }
                        touched.removeAll(keepingCapacity: true)
                        pairsOf[s].withUnsafeBufferPointer { holding in
                            for i in holding {
                                for t in targets[ends[Int(i)]..<ends[Int(i) + 1]] {
                                    if dense[Int(t)] == 0 { touched.append(t) }
                                    dense[Int(t)] += 1
                                }
                            }
                        }
                        for t in touched {
                            rows[s / stride][t, default: 0] += dense[Int(t)]
                            dense[Int(t)] = 0
                        }
                    }
                }
            }
        }
    }
}
