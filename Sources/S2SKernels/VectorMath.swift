// Elementwise exp, σ and tanh over buffers. Float uses a SIMD polynomial
// (16 lanes; portable SIMD types, lowered to whatever vector width the
// target has); Double, used only by the gradient checks, uses libm.
//
// exp: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its degree-6 Taylor polynomial
// (relative error < 2e-7, about 2 ulp), 2^n built in the exponent bits.
// σ(x) = 1/(1 + e^(−x)); tanh(x) = 1 − 2/(1 + e^(2x)): absolute error
// < 3e-7, which the LSTM/GRU and attention need (tests pin these bounds).

extension Real {
    /// x ← e^x elementwise.
    @inlinable public static func expInPlace(_ x: UnsafeMutablePointer<Self>, count: Int) {
        if Self.self == Float.self {
            VectorFloat.exp(UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self), count: count)
        } else {
            for k in 0..<count { x[k] = Self.exp(x[k]) }
        }
    }

    /// x ← σ(x) elementwise.
    @inlinable public static func sigmoidInPlace(_ x: UnsafeMutablePointer<Self>, count: Int) {
        if Self.self == Float.self {
            VectorFloat.sigmoid(UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self), count: count)
        } else {
            for k in 0..<count { x[k] = sigmoid(x[k]) }
        }
    }

    /// x ← tanh(x) elementwise.
    @inlinable public static func tanhInPlace(_ x: UnsafeMutablePointer<Self>, count: Int) {
        if Self.self == Float.self {
            VectorFloat.tanh(UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self), count: count)
        } else {
            for k in 0..<count { x[k] = Self.tanh(x[k]) }
        }
    }

    /// Σ a_k·b_k.
    @inlinable public static func dot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int) -> Self {
        if Self.self == Float.self {
            let r = VectorFloat.dot(UnsafeRawPointer(a).assumingMemoryBound(to: Float.self),
                                    UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), count: count)
            return Self(r)
        }
        var s: Self = 0
        for k in 0..<count { s += a[k] * b[k] }
        return s
    }
}

/// The Float implementations.
public enum VectorFloat {
    public typealias V = SIMD16<Float>

    /// Written with masks and bit casts only: Swift's generic SIMD
    /// `clamped`, `rounded` and integer conversions run element by element
    /// (measured ~40 ns per value against ~1 ns for this form).
    @inlinable @inline(__always)
    static func exp(_ v: V) -> V {
        var x = v
        x.replace(with: V(repeating: -87.3), where: x .< V(repeating: -87.3))
        x.replace(with: V(repeating: 88.7), where: x .> V(repeating: 88.7))
        // Adding 1.5·2^23 rounds to an integer n, which then sits in the low
        // mantissa bits of t.
        let magic = V(repeating: 12_582_912.0)
        let t = x * 1.442_695_04 + magic
        let n = t - magic
        let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6
        var p = V(repeating: 1.0 / 720)
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let ni = unsafeBitCast(t, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
        return p * unsafeBitCast((ni &+ 127) &<< 23, to: V.self)
    }

    @inlinable
    public static func exp(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while k + 16 <= count {
            let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(x + k).storeBytes(of: exp(v), as: V.self)
            k += 16
        }
        if k < count { tail(x + k, count: count - k) { exp($0) } }
    }

    @inlinable
    public static func sigmoid(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while k + 16 <= count {
            let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(x + k).storeBytes(of: 1 / (1 + exp(-v)), as: V.self)
            k += 16
        }
        if k < count { tail(x + k, count: count - k) { 1 / (1 + exp(-$0)) } }
    }

    @inlinable
    public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while k + 16 <= count {
            let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(x + k).storeBytes(of: 1 - 2 / (1 + exp(v + v)), as: V.self)
            k += 16
        }
        if k < count { tail(x + k, count: count - k) { 1 - 2 / (1 + exp($0 + $0)) } }
    }

    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V()
        var k = 0
        while k + 16 <= count {
            acc += UnsafeRawPointer(a + k).loadUnaligned(as: V.self) * UnsafeRawPointer(b + k).loadUnaligned(as: V.self)
            k += 16
        }
        var s = acc.sum()
        while k < count { s += a[k] * b[k]; k += 1 }
        return s
    }

    /// max and argmax of x[0..<count] (count > 0); the first index wins ties.
    @inlinable
    public static func maxAndArgmax(_ x: UnsafePointer<Float>, count: Int) -> (Float, Int) {
        var k = 0
        var best = x[0]
        if count >= 16 {
            var m = UnsafeRawPointer(x).loadUnaligned(as: V.self)
            k = 16
            while k + 16 <= count {
                let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
                m.replace(with: v, where: v .> m)  // (generic pointwiseMax runs lane by lane)
                k += 16
            }
            for lane in 0..<16 { best = Swift.max(best, m[lane]) }
        }
        while k < count { best = Swift.max(best, x[k]); k += 1 }
        // NaN never compares equal: a row of NaNs (a diverged model) gives
        // index 0 rather than a search past the end.
        var i = 0
        while i < count && x[i] != best { i += 1 }
        return (best, i < count ? i : 0)
    }

    /// Σ x[0..<count] (16 running Float sums, then added in Double).
    @inlinable
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var acc = V()
        var k = 0
        while k + 16 <= count {
            acc += UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
            k += 16
        }
        var s = 0.0
        for lane in 0..<16 { s += Double(acc[lane]) }
        while k < count { s += Double(x[k]); k += 1 }
        return s
    }

    /// Σ e^(x_k − shift) over x[0..<count], without storing the exponentials
    /// (log-softmax and the loss of a row when no gradient is wanted). With
    /// shift = max x every term is ≤ 1; 16 running Float sums, added in Double.
    @inlinable
    public static func sumExp(_ x: UnsafePointer<Float>, shift: Float, count: Int) -> Double {
        var acc = V()
        let s = V(repeating: shift)
        var k = 0
        while k + 16 <= count {
            acc += exp(UnsafeRawPointer(x + k).loadUnaligned(as: V.self) - s)
            k += 16
        }
        var total = 0.0
        for lane in 0..<16 { total += Double(acc[lane]) }
        if k < count {
            // The tail padded with −∞ − shift lanes, which exp sends to 0.
            var v = V(repeating: -.infinity)
            for lane in 0..<(count - k) { v[lane] = x[k + lane] - shift }
            let e = exp(v)
            for lane in 0..<(count - k) { total += Double(e[lane]) }
        }
        return total
    }

    /// Σ x² in blocks of 4,096 values, each block's Float partial sums added
    /// in Double (the global gradient norm over tens of millions of values).
    /// The blocks are summed apart, split over `threads`, and their sums
    /// added in order: the same value whatever the thread count.
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int, threads: Int = 1) -> Double {
        let size = sumOfSquaresBlockSize
        let blocks = (count + size - 1) / size
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.max(blocks, 1)) { sums in
            let out = sums.baseAddress!
            Parallel.ranges(blocks, parts: threads, minimum: 64) { r in
                for b in r { out[b] = sumOfSquaresBlock(x + b * size, count: Swift.min(size, count - b * size)) }
            }
            var total = 0.0
            for b in 0..<blocks { total += out[b] }
            return total
        }
    }

    /// `sumOfSquares` adds up blocks of this many values.
    public static let sumOfSquaresBlockSize = 4096

    /// Σ x² of one block (≤ `sumOfSquaresBlockSize` values), in Double.
    @inlinable
    public static func sumOfSquaresBlock(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var acc = V()
        var k = 0
        while k + 16 <= count {
            let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
            acc += v * v
            k += 16
        }
        var total = 0.0
        for lane in 0..<16 { total += Double(acc[lane]) }
        while k < count { total += Double(x[k]) * Double(x[k]); k += 1 }
        return total
    }

    /// One Adam step over the whole 16-value blocks of the flat buffers (see
    /// `Adam.update`, which does the remaining tail with the same formula);
    /// returns how many values it updated. With `zeroGradients` the gradients
    /// are cleared in the same pass, saving a separate zeroing pass.
    @inlinable
    public static func adam(params: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                            v: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>, count: Int,
                            beta1: Float, beta2: Float, stepSize: Float, invSqrtC2: Float, epsilon: Float,
                            zeroGradients: Bool) -> Int {
        var k = 0
        let b1 = V(repeating: beta1), b2 = V(repeating: beta2)
        let c1 = V(repeating: 1 - beta1), c2 = V(repeating: 1 - beta2)
        while k + 16 <= count {
            let g = UnsafeRawPointer(grads + k).loadUnaligned(as: V.self)
            let mk = b1 * UnsafeRawPointer(m + k).loadUnaligned(as: V.self) + c1 * g
            let vk = b2 * UnsafeRawPointer(v + k).loadUnaligned(as: V.self) + c2 * g * g
            let p = UnsafeRawPointer(params + k).loadUnaligned(as: V.self)
            let update = stepSize * mk / (vk.squareRoot() * invSqrtC2 + epsilon)
            UnsafeMutableRawPointer(m + k).storeBytes(of: mk, as: V.self)
            UnsafeMutableRawPointer(v + k).storeBytes(of: vk, as: V.self)
            UnsafeMutableRawPointer(params + k).storeBytes(of: p - update, as: V.self)
            if zeroGradients { UnsafeMutableRawPointer(grads + k).storeBytes(of: V(), as: V.self) }
            k += 16
        }
        return k
    }

    /// The last < 16 values through the same vector code, padded.
    @inlinable @inline(__always)
    static func tail(_ x: UnsafeMutablePointer<Float>, count: Int, _ f: (V) -> V) {
        var v = V()
        for k in 0..<count { v[k] = x[k] }
        let r = f(v)
        for k in 0..<count { x[k] = r[k] }
    }
}
