import S2SCore

/// Inverted dropout (Srivastava et al. 2014): during training each value is
/// zeroed with probability p and the rest scaled by 1/(1−p), so nothing
/// changes at inference. The mask is drawn from the run's seeded generator.
public enum Dropout {
    /// out = in ⊙ mask, mask_k ∈ {0, 1/(1−p)} (stored for the backward).
    /// `out` may be `input`.
    @inlinable
    public static func forward<T: Real>(
        out: UnsafeMutablePointer<T>, mask: UnsafeMutablePointer<T>, input: UnsafePointer<T>,
        count: Int, p: Double, rng: inout SplitMix64
    ) {
        let keep = T(1 / (1 - p))
        let threshold = Float(p)
        for k in 0..<count {
            let m: T = rng.nextFloat() < threshold ? 0 : keep
            mask[k] = m
            out[k] = input[k] * m
        }
    }

    /// dIn = dOut ⊙ mask (`dIn` may be `dOut`).
    @inlinable
    public static func backward<T: Real>(
        dIn: UnsafeMutablePointer<T>, dOut: UnsafePointer<T>, mask: UnsafePointer<T>, count: Int
    ) {
        for k in 0..<count { dIn[k] = dOut[k] * mask[k] }
    }
}
