/// Gradient clipping by global norm (Pascanu et al. 2013; the seeds' fix for
/// exploding gradients): if ‖g‖₂ over all parameters exceeds `maxNorm`, scale
/// every gradient by maxNorm/‖g‖₂, keeping the direction.
public enum GradClip {
    /// ‖g‖₂ of the flat gradient buffer (accumulated in Double).
    @inlinable
    public static func globalNorm<T: Real>(_ grads: UnsafePointer<T>, count: Int) -> Double {
        if T.self == Float.self {
            return VectorFloat.sumOfSquares(UnsafeRawPointer(grads).assumingMemoryBound(to: Float.self), count: count)
                .squareRoot()
        }
        var sum = 0.0
        for k in 0..<count { let g = Double(grads[k]); sum += g * g }
        return sum.squareRoot()
    }

    /// Clips in place; returns the norm before clipping.
    @inlinable
    @discardableResult
    public static func clip<T: Real>(_ grads: UnsafeMutablePointer<T>, count: Int, maxNorm: Double) -> Double {
        let norm = globalNorm(grads, count: count)
        if maxNorm > 0 && norm > maxNorm {
            let s = T(maxNorm / norm)
            for k in 0..<count { grads[k] *= s }
        }
        return norm
    }
}
