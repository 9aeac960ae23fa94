import S2SCore
import S2SText

/// Which training data a checkpoint was trained on: the shard's path, its
/// pair count and the hash of its bytes (`TokenShard.contentHash`), kept in
/// the checkpoint's metadata. Checkpoints written before it was recorded
/// have none (`init?(metadata:)` is nil) and resume as before.
public struct DataIdentity: Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var pairs: Int
    public var hash: UInt64

    public init(_ shard: TokenShard) {
        path = shard.path
        pairs = shard.count
        hash = shard.contentHash
    }

    static let pathKey = "s2s.train.data", pairsKey = "s2s.train.data_pairs", hashKey = "s2s.train.data_hash"

    public init?(metadata: [String: String]) {
        guard let path = metadata[Self.pathKey], let pairs = metadata[Self.pairsKey].flatMap(Int.init),
              let hash = metadata[Self.hashKey].flatMap({ UInt64($0, radix: 16) }) else { return nil }
        self.path = path
        self.pairs = pairs
        self.hash = hash
    }

    public var metadata: [String: String] {
        [Self.pathKey: path, Self.pairsKey: "\(pairs)", Self.hashKey: String(hash, radix: 16)]
    }

    /// The same pairs, wherever the file lies now.
    public func sameContent(as other: DataIdentity) -> Bool { pairs == other.pairs && hash == other.hash }

    public var description: String { "\(path) (\(pairs) pairs, content hash \(String(hash, radix: 16)))" }
}
