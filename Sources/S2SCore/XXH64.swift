/// xxHash64 (Yann Collet's XXH64, the reference algorithm): a fast hash,
/// the same on every machine and run, eight bytes at a time. Used where
/// FNV-1a's byte-at-a-time loop would cost too much over a whole corpus
/// (s2s-prep --dedupe hashes every pair).
public enum XXH64 {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = bytes.count
        var i = 0
        var h: UInt64
        func word(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        if n >= 32 {
            var v = (seed &+ p1 &+ p2, seed &+ p2, seed, seed &- p1)
            while i + 32 <= n {
                v.0 = round(v.0, word(i))
                v.1 = round(v.1, word(i + 8))
                v.2 = round(v.2, word(i + 16))
                v.3 = round(v.3, word(i + 24))
                i += 32
            }
            h = v.0.rotl(1) &+ v.1.rotl(7) &+ v.2.rotl(12) &+ v.3.rotl(18)
            h = merge(h, v.0)
            h = merge(h, v.1)
            h = merge(h, v.2)
            h = merge(h, v.3)
        } else {
            h = seed &+ p5
        }
        h &+= UInt64(n)
        while i + 8 <= n {
            h ^= round(0, word(i))
            h = h.rotl(27) &* p1 &+ p4
            i += 8
        }
        if i + 4 <= n {
            h ^= UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* p1
            h = h.rotl(23) &* p2 &+ p3
            i += 4
        }
        while i < n {
            h ^= UInt64(bytes[i]) &* p5
            h = h.rotl(11) &* p1
            i += 1
        }
        h ^= h >> 33
        h &*= p2
        h ^= h >> 29
        h &*= p3
        h ^= h >> 32
        return h
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        (acc &+ input &* p2).rotl(31) &* p1
    }

    private static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 {
        (acc ^ round(0, v)) &* p1 &+ p4
    }
}

private extension UInt64 {
    func rotl(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
