/// One block of memory for one kind of data (parameters, gradients, Adam
/// moments, activations), zeroed, page aligned, freed with its owner; its
/// pages become resident only when used (`ZeroedMemory`).
/// Pieces are handed out as pointers into it, so the optimizer, clipping and
/// checkpoint I/O each see one flat buffer, and a training step allocates
/// nothing once its arena is sized.
public final class Arena<T: Real> {
    public let base: UnsafeMutablePointer<T>
    public let capacity: Int
    public private(set) var used = 0

    public init(capacity: Int) {
        self.capacity = capacity
        base = ZeroedMemory.allocate(T.self, count: capacity)  // page aligned; resident once touched
    }

    deinit { ZeroedMemory.deallocate(base, count: capacity) }

    /// The next `count` values, 16-value (64-byte) aligned.
    public func take(_ count: Int) -> UnsafeMutablePointer<T> {
        let start = (used + 15) & ~15
        precondition(start + count <= capacity, "arena of \(capacity) exhausted asking for \(count) at \(start)")
        used = start + count
        return base + start
    }

    /// Hands everything out again (the contents stay).
    public func reset() { used = 0 }

    public func zero() { base.update(repeating: 0, count: capacity) }

    /// Space `take` needs for pieces of these sizes, alignment included.
    public static func size(for counts: [Int]) -> Int {
        counts.reduce(0) { (($0 + 15) & ~15) + $1 }
    }
}
