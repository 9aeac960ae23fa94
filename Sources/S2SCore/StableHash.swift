/// FNV-1a, 64 bit: a hash that is the same on every machine and run (Swift's
/// `Hasher` is seeded per process), used to tie data files to the vocabulary
/// they were made with.
public struct FNV1a64 {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    /// The same over contiguous bytes, without a generic iterator (a shard's
    /// gigabytes).
    public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var v = value
        for byte in bytes {
            v ^= UInt64(byte)
            v = v &* 0x0000_0100_0000_01b3
        }
        value = v
    }

    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = FNV1a64()
        h.combine(bytes)
        return h.value
    }

    /// The hash of these bytes alone.
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var h = FNV1a64()
        h.combine(bytes)
        return h.value
    }
}
