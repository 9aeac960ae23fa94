/// Applies BPE merges to tokens exactly as subword-nmt's `apply-bpe` does
/// with the same codes file: within each word the pair of lowest merge rank is
/// merged (all its non-overlapping occurrences, left to right) until no pair
/// of the word is a merge; a trailing `</w>` is then dropped, and every
/// subword but the last gets the continuation mark `@@`.
///
///     "lower" with merges (l o) (lo w) (e r</w>)  ->  low@@ er
///
/// Not thread-safe (it caches segmentations); use one per thread, made with
/// `copy()`.
public final class BPE {
    public static let continuation = "@@"

    public let codes: BPECodes
    private let symbols = SymbolTable()
    /// rank and merged symbol per pair of symbol ids.
    private var ranks: [UInt64: (rank: Int32, merged: Int32)] = [:]
    private var cache: [String: [String]] = [:]

    public init(codes: BPECodes) {
        self.codes = codes
        for (rank, (a, b)) in codes.merges.enumerated() {
            let key = pairKey(symbols.intern(a), symbols.intern(b))
            // subword-nmt keeps the first rank of a pair listed twice.
            if ranks[key] == nil {
                ranks[key] = (Int32(rank), symbols.intern(a + b))
            }
        }
    }

    /// An applier with the same codes and its own cache, for another thread.
    public func copy() -> BPE { BPE(codes: codes) }

    /// Subwords of one token, continuation marks included.
    public func segment(_ word: String) -> [String] {
        if let hit = cache[word] { return hit }
        var symbolsOfWord = symbols.characters(of: word)
        while symbolsOfWord.count > 1 {
            var best: (rank: Int32, merged: Int32, a: Int32, b: Int32)?
            for k in 0..<(symbolsOfWord.count - 1) {
                if let r = ranks[pairKey(symbolsOfWord[k], symbolsOfWord[k + 1])],
                   best == nil || r.rank < best!.rank {
                    best = (r.rank, r.merged, symbolsOfWord[k], symbolsOfWord[k + 1])
                }
            }
            guard let best else { break }
            symbolsOfWord = BPELearner.mergeAll(symbolsOfWord, best.a, best.b, into: best.merged)
        }
        var pieces = symbolsOfWord.map { symbols.name($0) }
        let last = pieces.removeLast()
        if last != BPECodes.endOfWord {
            pieces.append(String(last.dropLast(BPECodes.endOfWord.count)))
        }
        for k in 0..<(pieces.count - 1) { pieces[k] += Self.continuation }
        cache[word] = pieces
        return pieces
    }

    /// Subwords of a token sequence.
    public func segment(tokens: [String]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(tokens.count * 2)
        for token in tokens where !token.isEmpty { out += segment(token) }
        return out
    }

    /// Undoes segmentation: joins every subword ending in `@@` to the next.
    public static func join(_ subwords: [String]) -> [String] {
        var out: [String] = []
        var pending = ""
        for piece in subwords {
            if piece.hasSuffix(continuation) {
                pending += piece.dropLast(continuation.count)
            } else {
                out.append(pending + piece)
                pending = ""
            }
        }
        if !pending.isEmpty { out.append(pending) }
        return out
    }
}
