import S2SCore

/// The counts that `LexicalShortlist` ranks by, gathered a batch of training
/// pairs at a time: c(s) and c(t), the pairs holding each source and target
/// id, and c(s, t) for the ids that occur together, kept per source id. Their
/// size follows the vocabularies and what co-occurs in them, not the number
/// of pairs, so a corpus of any size streams through.
struct ShortlistCounts {
    let source: Vocabulary
    let target: Vocabulary
    private var sourceCount: [Int32]
    private var targetCount: [Int32]
    /// joint[s][t] = c(s, t), for the t that occur with s.
    private var joint: [[Int32: Int32]]
    /// A dense row of c(s, t) for one s within a batch; zero between uses.
    private var row: [Int32]
    /// Pairs added but not yet counted: counted a batch at a time, as
    /// c(s, t) is gathered in `row` once per source id and batch.
    private var pending: [(source: [Int32], target: [Int32])] = []
    static let batchSize = 16384

    init(source: Vocabulary, target: Vocabulary) {
        self.source = source
        self.target = target
        sourceCount = [Int32](repeating: 0, count: source.count)
        targetCount = [Int32](repeating: 0, count: target.count)
        joint = [[Int32: Int32]](repeating: [:], count: source.count)
        row = [Int32](repeating: 0, count: target.count)
    }

    mutating func add(_ pairs: [(source: [Int32], target: [Int32])]) {
        pending += pairs
        if pending.count >= Self.batchSize { countPending() }
    }

    private mutating func countPending() {
        let pairs = pending
        pending = []
        let first = SpecialTokens.names.count
        // Each pair's distinct ids, and for each source id the pairs holding it.
        var targetsOf: [[Int32]] = [], pairsOf = [[Int32]](repeating: [], count: source.count)
        targetsOf.reserveCapacity(pairs.count)
        for (i, p) in pairs.enumerated() {
            let s = Set(p.source.filter { Int($0) >= first }), t = Array(Set(p.target.filter { Int($0) >= first })).sorted()
            for id in s { pairsOf[Int(id)].append(Int32(i)); sourceCount[Int(id)] += 1 }
            for id in t { targetCount[Int(id)] += 1 }
            targetsOf.append(t)
        }
        // One source id at a time: this batch's c(s, t) in the dense row,
        // then added to the running counts.
        for s in first..<source.count where !pairsOf[s].isEmpty {
            var touched: [Int32] = []
            for i in pairsOf[s] {
                for t in targetsOf[Int(i)] {
                    if row[Int(t)] == 0 { touched.append(t) }
                    row[Int(t)] += 1
                }
            }
            for t in touched {
                joint[s][t, default: 0] += row[Int(t)]
                row[Int(t)] = 0
            }
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
            let ranked = joint[s].map { (id: $0.key, dice: dice($0.key, $0.value)) }.sorted { a, b in
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
