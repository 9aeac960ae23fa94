/// The collective operations data-parallel training needs, over the ranks
/// 0..<size of one job. Every rank calls the same operations in the same
/// order; each returns once every rank has called it (or throws, naming
/// what failed, when the job has lost a rank).
public protocol Communicator: AnyObject {
    var rank: Int { get }
    var size: Int { get }
    /// Every rank's `buffer` replaced by the elementwise sum over all ranks.
    func sum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws
    func sum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws
    /// Every rank's `value`, in rank order.
    func gather(_ value: UInt64) throws -> [UInt64]
    /// Rank `root`'s bytes into every rank's buffer.
    func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, from root: Int) throws
}

extension Communicator {
    public var isRoot: Bool { rank == 0 }

    /// The ranks whose `value` (a hash of what they should share) is not
    /// rank 0's; the same list on every rank.
    public func ranksDiffering(fromRoot value: UInt64) throws -> [Int] {
        let all = try gather(value)
        return all.indices.filter { all[$0] != all[0] }
    }

    public func sum(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { try sum($0.baseAddress!, count: $0.count) }
    }

    /// Rank 0's values on every rank (the count must be the same everywhere).
    public func broadcast(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBytes { try broadcast($0.baseAddress!, bytes: $0.count, from: 0) }
    }

    /// Rank 0's bytes on every rank, whatever their length there.
    public func broadcast(_ bytes: [UInt8]) throws -> [UInt8] {
        var count = [Double(bytes.count)]
        try broadcast(&count)
        var result = isRoot ? bytes : [UInt8](repeating: 0, count: Int(count[0]))
        if !result.isEmpty {
            try result.withUnsafeMutableBytes { try broadcast($0.baseAddress!, bytes: $0.count, from: 0) }
        }
        return result
    }
}

/// A job of one: every collective is the identity. What `s2s-train` uses
/// when mpirun did not start it.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func sum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {}
    public func sum(_ buffer: UnsafeMutablePointer<Double>, count: Int) {}
    public func gather(_ value: UInt64) -> [UInt64] { [value] }
    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, from root: Int) {}
}

/// A collective that failed: the job has lost a rank or its transport.
public struct CommunicatorError: Error, CustomStringConvertible {
    public var rank: Int
    public var message: String
    public init(rank: Int, message: String) { self.rank = rank; self.message = message }
    public var description: String {
        "rank \(rank): \(message). The job cannot go on; continue it with --resume from the last checkpoint"
    }
}
