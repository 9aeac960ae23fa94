import Foundation

/// Parameter updates over the one flat parameter buffer.
public enum Adam {
    /// One Adam step (Kingma & Ba 2015) with bias correction; `step` counts
    /// from 1. m and v are the first and second moment buffers.
    @inlinable
    public static func update<T: Real>(
        params: UnsafeMutablePointer<T>, m: UnsafeMutablePointer<T>, v: UnsafeMutablePointer<T>,
        grads: UnsafeMutablePointer<T>, count: Int,
        learningRate lr: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, step: Int,
        zeroGradients: Bool = false, parallel: Bool = true
    ) {
        // A large buffer is split at a 16-value boundary over the cores: the
        // update is memory-bound and each value's formula is unchanged, so
        // the result is bitwise the same as one pass.
        let cores = parallel ? KernelThreads.current : 1
        if cores > 1 && count >= Adam.parallelThreshold {
            Parallel.ranges(count, parts: cores, alignment: 16) { r in
                update(params: params + r.lowerBound, m: m + r.lowerBound, v: v + r.lowerBound,
                       grads: grads + r.lowerBound, count: r.count, learningRate: lr, beta1: beta1, beta2: beta2,
                       epsilon: epsilon, step: step, zeroGradients: zeroGradients, parallel: false)
            }
            return
        }
        let b1 = T(beta1), b2 = T(beta2)
        let c1 = 1 - Double.exp(Double(step) * Double.log(beta1))
        let c2 = 1 - Double.exp(Double(step) * Double.log(beta2))
        // θ −= lr·m̂/(√v̂ + ε) with m̂ = m/c1, v̂ = v/c2, folded into two constants.
        let stepSize = T(lr / c1)
        let invSqrtC2 = T(1 / c2.squareRoot())
        let eps = T(epsilon)
        var start = 0
        if T.self == Float.self {
            // Float: SIMD over whole 16-value blocks; the tail below.
            func f(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
                UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
            }
            start = VectorFloat.adam(params: f(params), m: f(m), v: f(v), grads: f(grads), count: count,
                                     beta1: Float(beta1), beta2: Float(beta2), stepSize: Float(stepSize),
                                     invSqrtC2: Float(invSqrtC2), epsilon: Float(epsilon), zeroGradients: zeroGradients)
        }
        for k in start..<count {
            let g = grads[k]
            let mk = b1 * m[k] + (1 - b1) * g
            let vk = b2 * v[k] + (1 - b2) * g * g
            m[k] = mk
            v[k] = vk
            params[k] -= stepSize * mk / (vk.squareRoot() * invSqrtC2 + eps)
            if zeroGradients { grads[k] = 0 }
        }
    }
}

extension Adam {
    /// Buffers below this many values are updated on one core.
    public static let parallelThreshold = 1 << 20
}

public enum SGD {
    /// θ −= lr·g.
    @inlinable
    public static func update<T: Real>(params: UnsafeMutablePointer<T>, grads: UnsafePointer<T>, count: Int,
                                       learningRate lr: Double) {
        let l = T(lr)
        for k in 0..<count { params[k] -= l * grads[k] }
    }
}
