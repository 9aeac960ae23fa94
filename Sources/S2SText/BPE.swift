#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies BPE merges to tokens exactly as subword-nmt's `apply-bpe` does
/// with the same codes file: within each word the pair of lowest merge rank is
/// merged (all its non-overlapping occurrences, left to right) until no pair
/// of the word is a merge; a trailing `</w>` is then dropped, and every
/// subword but the last gets the continuation mark `@@`.
///
///     "lower" with merges (l o) (lo w) (e r</w>)  ->  low@@ er
///
/// Characters are Unicode scalars and symbols are compared scalar for
/// scalar, as in Python: "é" and "e\u{301}" are different words here, though
/// Swift's `==` on String calls them equal.
///
/// Not thread-safe (it caches segmentations); use one per thread, made with
/// `copy()`.
public final class BPE {
    public static let continuation = "@@"

    public let codes: BPECodes
    private let symbols = ExactSymbolTable()
    /// rank and merged symbol per pair of symbol ids.
    private var ranks: [UInt64: (rank: Int32, merged: Int32)] = [:]
    private var cache: [ExactString: [String]] = [:]

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
        if word.isEmpty { return [] }
        if let hit = cache[ExactString(word)] { return hit }
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
        // The last symbol ends with the end-of-word mark. Dropped as scalars:
        // as Characters, a scalar that clusters with "<" (a prepended
        // concatenation mark such as U+0600) would go with it.
        let last = pieces.removeLast()
        pieces.append(String(last.unicodeScalars.dropLast(BPECodes.endOfWord.unicodeScalars.count)))
        for k in 0..<(pieces.count - 1) { pieces[k] += Self.continuation }
        cache[ExactString(word)] = pieces
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
    /// The mark is found and dropped as scalars (see `segment`).
    public static func join(_ subwords: [String]) -> [String] {
        var out: [String] = []
        var pending = ""
        let mark = continuation.unicodeScalars
        for piece in subwords {
            if piece.unicodeScalars.reversed().starts(with: mark.reversed()) {
                pending.unicodeScalars.append(contentsOf: piece.unicodeScalars.dropLast(mark.count))
            } else {
                out.append(pending + piece)
                pending = ""
            }
        }
        if !pending.isEmpty { out.append(pending) }
        return out
    }
}

/// A string hashed and compared by its UTF-8 bytes, that is by its Unicode
/// scalars: String's own `==` is canonical equivalence.
struct ExactString: Hashable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (a: ExactString, b: ExactString) -> Bool {
        // memcmp on native strings: as fast as String's own == (the cache
        // is looked up for every word BPE applies to).
        let fast: Bool?? = a.string.utf8.withContiguousStorageIfAvailable { x in
            b.string.utf8.withContiguousStorageIfAvailable { y in
                x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
        if let fast, let fast { return fast }
        return a.string.utf8.elementsEqual(b.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { for byte in string.utf8 { hasher.combine(byte) } }
    }
}

/// Interned subword symbols, id <-> string, compared scalar for scalar.
final class ExactSymbolTable {
    private var names: [String] = []
    private var ids: [ExactString: Int32] = [:]

    func intern(_ name: String) -> Int32 {
        if let id = ids[ExactString(name)] { return id }
        let id = Int32(names.count)
        names.append(name)
        ids[ExactString(name)] = id
        return id
    }

    func name(_ id: Int32) -> String { names[Int(id)] }

    /// The word as symbols: one per Unicode scalar, `</w>` glued to the last.
    func characters(of word: String) -> [Int32] {
        var out: [Int32] = []
        let scalars = Array(word.unicodeScalars)
        for (k, s) in scalars.enumerated() {
            out.append(intern(k == scalars.count - 1 ? String(s) + BPECodes.endOfWord : String(s)))
        }
        return out
    }
}
