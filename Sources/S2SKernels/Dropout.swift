import S2SCore

/// Inverted dropout (Srivastava et al. 2014): during training each value is
/// zeroed with probability p and the rest scaled by 1/(1−p), so nothing
/// changes at inference. The mask is drawn from the run's seeded generator.
public enum Dropout {
    /// out = in ⊙ mask, mask_k ∈ {0, 1/(1−p)} (stored for the backward).
    /// `out` may be `input`. Value k takes the generator's k-th draw; with
    /// threads, each part jumps to its first draw (`SplitMix64.skip`), so
    /// the mask and the generator's state after it are those of one thread.
    @inlinable
    public static func forward<T: Real>(
        out: UnsafeMutablePointer<T>, mask: UnsafeMutablePointer<T>, input: UnsafePointer<T>,
        count: Int, p: Double, rng: inout SplitMix64, threads: Int = 1
    ) {
        let keep = T(1 / (1 - p))
        let threshold = Float(p)
        let start = rng
        Parallel.ranges(count, parts: threads, minimum: 1 << 14, alignment: 16) { r in
            var g = start
            g.skip(r.lowerBound)
            for k in r {
                let m: T = g.nextFloat() < threshold ? 0 : keep
                mask[k] = m
                out[k] = input[k] * m
            }
        }
        rng.skip(count)
    }

    /// dIn = dOut ⊙ mask (`dIn` may be `dOut`).
    @inlinable
    public static func backward<T: Real>(
        dIn: UnsafeMutablePointer<T>, dOut: UnsafePointer<T>, mask: UnsafePointer<T>, count: Int, threads: Int = 1
    ) {
        Parallel.ranges(count, parts: threads, minimum: 1 << 14, alignment: 16) { r in
            for k in r { dIn[k] = dOut[k] * mask[k] }
        }
    }
}
