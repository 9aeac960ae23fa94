/// Learns BPE merges from word frequencies, as subword-nmt's `learn-bpe` does:
/// every word is a sequence of characters (Unicode scalars) with `</w>` glued
/// to the last, and the most frequent adjacent pair is merged until `merges`
/// merges are made or no pair occurs `minFrequency` times (a `merges` above
/// what the words allow stops when no pair is left). Ties go to the
/// larger pair in code-point order, as Python's `max` over `(count, pair)`.
///
/// Efficient: pair counts are updated incrementally from the words that
/// contain the merged pair (found through an index), and the next best pair
/// comes from a max-heap with lazy deletion; nothing is recounted per merge.
public enum BPELearner {
    public static func learn(wordCounts: [String: Int], merges: Int, minFrequency: Int = 2) -> BPECodes {
        let symbols = SymbolTable()
        // Sorted so that the learner's internal order is the same every run.
        let entries = wordCounts.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
        var words: [[Int32]] = []
        var freqs: [Int] = []
        words.reserveCapacity(entries.count)
        for (word, count) in entries where !word.isEmpty && count > 0 {
            words.append(symbols.characters(of: word))
            freqs.append(count)
        }

        var stats: [UInt64: Int] = [:]
        var index: [UInt64: [Int32]] = [:]
        for (w, word) in words.enumerated() {
            for k in 0..<(word.count - 1) {
                let p = pairKey(word[k], word[k + 1])
                stats[p, default: 0] += freqs[w]
                index[p, default: []].append(Int32(w))
            }
        }

        var heap = PairHeap(symbols: symbols)
        for (p, c) in stats { heap.push(count: c, pair: p) }

        // Each merge shortens at least one word by one symbol, so the words'
        // pair positions bound the merges there can be, whatever `merges`
        // asks (Int.max included): only that much is reserved.
        let positions = words.reduce(0) { $0 + $1.count - 1 }
        var result: [(String, String)] = []
        result.reserveCapacity(min(max(merges, 0), positions))
        var lastVisit = [Int32](repeating: -1, count: words.count)
        var changed: [UInt64: Int] = [:]

        while result.count < merges, let (count, best) = heap.popMax() {
            guard stats[best] == count else { continue }  // stale entry
            if count < minFrequency { break }
            let (a, b) = unpair(best)
            let merged = symbols.intern(symbols.name(a) + symbols.name(b))
            result.append((symbols.name(a), symbols.name(b)))
            let mergeNumber = Int32(result.count)

            changed.removeAll(keepingCapacity: true)
            for w in index[best] ?? [] where lastVisit[Int(w)] != mergeNumber {
                lastVisit[Int(w)] = mergeNumber
                let old = words[Int(w)]
                let new = mergeAll(old, a, b, into: merged)
                if new.count == old.count { continue }  // index entry is stale
                let f = freqs[Int(w)]
                for k in 0..<(old.count - 1) {
                    let p = pairKey(old[k], old[k + 1])
                    stats[p]! -= f
                    changed[p, default: 0] -= f
                }
                if new.count > 1 {
                    for k in 0..<(new.count - 1) {
                        let p = pairKey(new[k], new[k + 1])
                        stats[p, default: 0] += f
                        changed[p, default: 0] += f
                        if new[k] == merged || new[k + 1] == merged {
                            index[p, default: []].append(w)
                        }
                    }
                }
                words[Int(w)] = new
            }
            index[best] = nil
            for (p, delta) in changed where delta != 0 {
                let c = stats[p] ?? 0
                if c > 0 { heap.push(count: c, pair: p) } else { stats[p] = nil }
            }
        }
        return BPECodes(merges: result)
    }

    /// Merges every non-overlapping occurrence of `a b`, left to right.
    static func mergeAll(_ word: [Int32], _ a: Int32, _ b: Int32, into merged: Int32) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(word.count)
        var i = 0
        while i < word.count {
            if i + 1 < word.count && word[i] == a && word[i + 1] == b {
                out.append(merged)
                i += 2
            } else {
                out.append(word[i])
                i += 1
            }
        }
        return out
    }
}

@inline(__always) func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
}

@inline(__always) func unpair(_ p: UInt64) -> (Int32, Int32) {
    (Int32(bitPattern: UInt32(p >> 32)), Int32(bitPattern: UInt32(p & 0xFFFF_FFFF)))
}

/// Interned subword symbols: id <-> string.
final class SymbolTable {
    private(set) var names: [String] = []
    private var ids: [String: Int32] = [:]

    func intern(_ name: String) -> Int32 {
        if let id = ids[name] { return id }
        let id = Int32(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    func id(_ name: String) -> Int32? { ids[name] }

    func name(_ id: Int32) -> String { names[Int(id)] }

    /// The word as symbols: one per Unicode scalar, `</w>` glued to the last.
    func characters(of word: String) -> [Int32] {
        var out: [Int32] = []
        let scalars = Array(word.unicodeScalars)
        for (k, s) in scalars.enumerated() {
            let name = k == scalars.count - 1 ? String(s) + BPECodes.endOfWord : String(s)
            out.append(intern(name))
        }
        return out
    }
}

/// Max-heap of (count, pair), ordered by count, then by the pair's strings in
/// code-point order (the tie-break of subword-nmt's `max((count, pair))`).
struct PairHeap {
    let symbols: SymbolTable
    private var items: [(count: Int, pair: UInt64)] = []

    init(symbols: SymbolTable) { self.symbols = symbols }

    private func above(_ x: (count: Int, pair: UInt64), _ y: (count: Int, pair: UInt64)) -> Bool {
        if x.count != y.count { return x.count > y.count }
        if x.pair == y.pair { return false }
        let (xa, xb) = unpair(x.pair), (ya, yb) = unpair(y.pair)
        if xa != ya {
            return symbols.name(ya).unicodeScalars.lexicographicallyPrecedes(symbols.name(xa).unicodeScalars)
        }
        return symbols.name(yb).unicodeScalars.lexicographicallyPrecedes(symbols.name(xb).unicodeScalars)
    }

    mutating func push(count: Int, pair: UInt64) {
        items.append((count, pair))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard above(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func popMax() -> (Int, UInt64)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < items.count && above(items[l], items[best]) { best = l }
                if r < items.count && above(items[r], items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return (top.count, top.pair)
    }
}
