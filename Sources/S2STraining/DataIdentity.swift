import S2SCore
import S2SText

/// Which training data a checkpoint was trained on: the shard's path, its
/// pair count and the hash of its bytes (`TokenShard.contentHash`, XXH64),
/// kept in the checkpoint's metadata. Checkpoints written before it was
/// recorded have none (`init?(metadata:)` is nil) and resume as before;
/// those that recorded the older FNV-1a hash (`fnv`) are compared by it.
public struct DataIdentity: Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var pairs: Int
    public var hash: UInt64
    /// `hash` is FNV-1a of the file (`TokenShard.fnvContentHash`), as
    /// checkpoints recorded it before XXH64.
    public var fnv: Bool

    public init(_ shard: TokenShard, fnv: Bool = false) {
        path = shard.path
        pairs = shard.count
        hash = fnv ? shard.fnvContentHash : shard.contentHash
        self.fnv = fnv
    }

    static let pathKey = "s2s.train.data", pairsKey = "s2s.train.data_pairs"
    static let hashKey = "s2s.train.data_xxh64", fnvHashKey = "s2s.train.data_hash"

    public init?(metadata: [String: String]) {
        guard let path = metadata[Self.pathKey], let pairs = metadata[Self.pairsKey].flatMap(Int.init) else { return nil }
        if let hash = metadata[Self.hashKey].flatMap({ UInt64($0, radix: 16) }) {
            self.hash = hash
            fnv = false
        } else if let hash = metadata[Self.fnvHashKey].flatMap({ UInt64($0, radix: 16) }) {
            self.hash = hash
            fnv = true
        } else {
            return nil
        }
        self.path = path
        self.pairs = pairs
    }

    public var metadata: [String: String] {
        [Self.pathKey: path, Self.pairsKey: "\(pairs)", fnv ? Self.fnvHashKey : Self.hashKey: String(hash, radix: 16)]
    }

    /// The same pairs, wherever the file lies now (both hashed the same way).
    public func sameContent(as other: DataIdentity) -> Bool {
        fnv == other.fnv && pairs == other.pairs && hash == other.hash
    }

    public var description: String {
        "\(path) (\(pairs) pairs, content hash \(fnv ? "FNV-1a " : "")\(String(hash, radix: 16)))"
    }
}
