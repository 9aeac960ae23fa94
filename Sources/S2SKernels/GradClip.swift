/// Gradient clipping by global norm (Pascanu et al. 2013; the seeds' fix for
/// exploding gradients): if ‖g‖₂ over all parameters exceeds `maxNorm`, scale
/// every gradient by maxNorm/‖g‖₂, keeping the direction.
public enum GradClip {
    /// ‖g‖₂ of the flat gradient buffer (accumulated in Double); Float
    /// buffers split over `threads` (`VectorFloat.sumOfSquares`: the same
    /// value whatever the thread count).
    @inlinable
    public static func globalNorm<T: Real>(_ grads: UnsafePointer<T>, count: Int, threads: Int = 1) -> Double {
        if T.self == Float.self {
            return VectorFloat.sumOfSquares(UnsafeRawPointer(grads).assumingMemoryBound(to: Float.self), count: count,
                                            threads: threads).squareRoot()
        }
        var sum = 0.0
        for k in 0..<count { let g = Double(grads[k]); sum += g * g }
        return sum.squareRoot()
    }

    /// Clips in place; returns the norm before clipping.
    @inlinable
    @discardableResult
    public static func clip<T: Real>(_ grads: UnsafeMutablePointer<T>, count: Int, maxNorm: Double,
                                     threads: Int = 1) -> Double {
        let norm = globalNorm(grads, count: count, threads: threads)
        if maxNorm > 0 && norm > maxNorm {
            let s = T(maxNorm / norm)
            Parallel.ranges(count, parts: threads, minimum: 1 << 16, alignment: 16) { r in
                for k in r { grads[k] *= s }
            }
        }
        return norm
    }
}
