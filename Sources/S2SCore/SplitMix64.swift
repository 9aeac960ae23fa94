/// SplitMix64 (Steele, Lea & Flood 2014): the project's one random number
/// generator. Every random choice (initialisation, dropout, shuffling,
/// sampling, test data) goes through a generator seeded from the run's seed,
/// so a seed reproduces a run bit for bit. Its whole state is one UInt64,
/// which checkpoints save and restore.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The state's step per draw (the golden ratio's fraction, 2^64/φ).
    @usableFromInline static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    public mutating func next() -> UInt64 {
        state &+= SplitMix64.gamma
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Jumps over the next n outputs at once: the state only ever moves by
    /// a constant, so n draws are one addition. Lets threads draw disjoint
    /// stretches of the same stream (dropout masks) with the values one
    /// thread would have drawn.
    public mutating func skip(_ n: Int) {
        state &+= UInt64(truncatingIfNeeded: n) &* SplitMix64.gamma
    }

    /// Uniform in [0, 1) with 24 random bits (exact in Float).
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in 0..<n (n > 0), without modulo bias (Lemire's method).
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next(upperBound: UInt64(n)))
    }
}
