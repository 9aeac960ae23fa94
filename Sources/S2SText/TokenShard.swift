#if canImport(Glibc)
import Glibc
#endif
import S2SCore

/// Token ids of sentence pairs in one binary file (`.s2sb`), memory-mapped for
/// reading. Layout, all little-endian:
///
///     offset  size           field
///     0       4              magic "S2SB"
///     4       4   UInt32     version (1)
///     8       8   UInt64     pair count N
///     16      8   UInt64     source vocabulary hash (FNV-1a, Vocabulary.hash)
///     24      8   UInt64     target vocabulary hash
///     32      8   UInt64     source token count Ns
///     40      8   UInt64     target token count Nt
///     48      4   UInt32     source vocabulary size
///     52      4   UInt32     target vocabulary size
///     56      8(N+1)         source offsets into the source ids (0 ... Ns)
///     ..      8(N+1)         target offsets (0 ... Nt)
///     ..      4 Ns UInt32    source ids
///     ..      4 Nt UInt32    target ids
///
/// Sentences are stored without `<s>`/`<EOS>`; the model adds them.
public final class TokenShard: @unchecked Sendable {
    public static let magic: [UInt8] = Array("S2SB".utf8)
    public static let version: UInt32 = 1
    static let headerSize = 56

    public struct Header: Equatable, Sendable {
        public var pairCount: Int
        public var sourceVocabularyHash: UInt64
        public var targetVocabularyHash: UInt64
        public var sourceTokenCount: Int
        public var targetTokenCount: Int
        public var sourceVocabularySize: Int
        public var targetVocabularySize: Int
    }

    public let path: String
    public let header: Header
    /// The mapping the pointers below point into.
    private let file: MappedFile
    private let sourceOffsets: UnsafePointer<UInt64>
    private let targetOffsets: UnsafePointer<UInt64>
    private let sourceIds: UnsafePointer<UInt32>
    private let targetIds: UnsafePointer<UInt32>

    public var count: Int { header.pairCount }

    /// XXH64 of the whole file: equal on two hosts when they hold the same
    /// shard (data-parallel ranks check this at the start; checkpoints
    /// record it). Gigabytes a second, so ten million pairs hash in a
    /// fraction of a second.
    public var contentHash: UInt64 { XXH64.hash(file.bytes) }

    /// FNV-1a of the whole file: what checkpoints recorded before
    /// `contentHash` (read only to resume from one of those).
    public var fnvContentHash: UInt64 { FNV1a64.hash(file.bytes) }

    /// Pair i's number of source (target) tokens, without making its buffer.
    public func sourceLength(_ i: Int) -> Int { Int(sourceOffsets[i + 1] &- sourceOffsets[i]) }
    public func targetLength(_ i: Int) -> Int { Int(targetOffsets[i + 1] &- targetOffsets[i]) }

    public func source(_ i: Int) -> UnsafeBufferPointer<UInt32> {
        let start = Int(sourceOffsets[i]), end = Int(sourceOffsets[i + 1])
        return UnsafeBufferPointer(start: sourceIds + start, count: end - start)
    }

    public func target(_ i: Int) -> UnsafeBufferPointer<UInt32> {
        let start = Int(targetOffsets[i]), end = Int(targetOffsets[i + 1])
        return UnsafeBufferPointer(start: targetIds + start, count: end - start)
    }

    // MARK: Writing

    /// The file's bytes for these pairs (`ShardWriter` writes the same
    /// bytes for pairs that come one by one).
    public static func encode(
        pairs: [(source: [Int32], target: [Int32])],
        sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary
    ) -> [UInt8] {
        let ns = pairs.reduce(0) { $0 + $1.source.count }
        let nt = pairs.reduce(0) { $0 + $1.target.count }
        var out = header(pairs: pairs.count, sourceTokens: ns, targetTokens: nt,
                         sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary)
        out.reserveCapacity(headerSize + 16 * (pairs.count + 1) + 4 * (ns + nt))
        func put<T: FixedWidthInteger>(_ v: T) {
            withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
        }
        var offset: UInt64 = 0
        put(offset)
        for p in pairs { offset += UInt64(p.source.count); put(offset) }
        offset = 0
        put(offset)
        for p in pairs { offset += UInt64(p.target.count); put(offset) }
        for p in pairs { for id in p.source { put(UInt32(id)) } }
        for p in pairs { for id in p.target { put(UInt32(id)) } }
        return out
    }

    /// The header's `headerSize` bytes.
    static func header(pairs: Int, sourceTokens: Int, targetTokens: Int,
                       sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) -> [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) {
            withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
        }
        out += magic
        put(version)
        put(UInt64(pairs))
        put(sourceVocabulary.hash)
        put(targetVocabulary.hash)
        put(UInt64(sourceTokens))
        put(UInt64(targetTokens))
        put(UInt32(sourceVocabulary.count))
        put(UInt32(targetVocabulary.count))
        return out
    }

    // MARK: Reading

    /// Maps and validates a shard. With vocabularies given, their hashes and
    /// sizes must match the ones the shard was written with.
    public init(path: String, sourceVocabulary: Vocabulary? = nil, targetVocabulary: Vocabulary? = nil) throws(InputError) {
        let rerun = "Re-run s2s-prep to rewrite the data folder"
        let file = try MappedFile(path: path, minimumSize: Self.headerSize, format: "a token shard",
                                  sizeNote: "truncated or not an .s2sb file",
                                  openHint: "Run s2s-prep first, or check the --data path", corruptHint: rerun)
        let base = file.base!  // at least the header's bytes
        let size = file.size
        func fail(_ problem: String) -> InputError { InputError(file: path, problem: problem, hint: rerun) }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }

        guard Array(UnsafeRawBufferPointer(start: base, count: 4)) == Self.magic else {
            throw fail("is not a token shard (no S2SB magic)")
        }
        guard u32(4) == Self.version else {
            throw fail("has shard format version \(u32(4)); this s2s reads version \(Self.version)")
        }
        let n = u64(8), ns = u64(32), nt = u64(40)
        // Sizes are checked in floating point first so a corrupt header with
        // huge counts cannot overflow the exact computation below.
        let approx = Double(Self.headerSize) + 16 * (Double(n) + 1) + 4 * (Double(ns) + Double(nt))
        guard approx == Double(size) else {
            // Int(approx) would trap past Int.max.
            let described = approx < Double(Int.max) ? "\(Int(approx))" : "more than \(Int.max)"
            throw fail("is \(size) bytes but its header describes \(described) (\(n) pairs, \(ns)+\(nt) tokens): truncated or corrupt")
        }
        let header = Header(
            pairCount: Int(n), sourceVocabularyHash: u64(16), targetVocabularyHash: u64(24),
            sourceTokenCount: Int(ns), targetTokenCount: Int(nt),
            sourceVocabularySize: Int(u32(48)), targetVocabularySize: Int(u32(52)))
        guard Self.headerSize + 16 * (header.pairCount + 1) + 4 * (header.sourceTokenCount + header.targetTokenCount) == size else {
            throw fail("has a size that does not match its header: truncated or corrupt")
        }

        for (side, vocab, hash, vsize) in [
            ("source", sourceVocabulary, header.sourceVocabularyHash, header.sourceVocabularySize),
            ("target", targetVocabulary, header.targetVocabularyHash, header.targetVocabularySize),
        ] {
            guard let vocab else { continue }
            guard vocab.hash == hash && vocab.count == vsize else {
                throw fail("was made with another \(side) vocabulary (\(vsize) tokens, hash \(String(hash, radix: 16))) than the one given (\(vocab.count) tokens, hash \(String(vocab.hash, radix: 16)))")
            }
        }

        // Offsets must rise from 0 to the token count, and ids lie inside the
        // vocabulary: checked once here so that readers can trust them.
        let sOff = (base + Self.headerSize).assumingMemoryBound(to: UInt64.self)
        let tOff = sOff + (header.pairCount + 1)
        let sIds = UnsafeRawPointer(tOff + (header.pairCount + 1)).assumingMemoryBound(to: UInt32.self)
        let tIds = sIds + header.sourceTokenCount
        for (name, offsets, total) in [("source", sOff, ns), ("target", tOff, nt)] {
            guard offsets[0] == 0, offsets[header.pairCount] == total else {
                throw fail("has \(name) offsets that do not span its \(total) tokens: corrupt")
            }
            for i in 0..<header.pairCount where offsets[i] > offsets[i + 1] {
                throw fail("has decreasing \(name) offsets at pair \(i + 1): corrupt")
            }
        }
        for (name, ids, count, vsize) in [("source", sIds, header.sourceTokenCount, header.sourceVocabularySize),
                                          ("target", tIds, header.targetTokenCount, header.targetVocabularySize)] {
            for k in 0..<count where Int(ids[k]) >= vsize {
                throw fail("has \(name) id \(ids[k]) outside its vocabulary of \(vsize): corrupt")
            }
        }

        self.path = path
        self.header = header
        self.file = file
        self.sourceOffsets = sOff
        self.targetOffsets = tOff
        self.sourceIds = sIds
        self.targetIds = tIds
    }
}
