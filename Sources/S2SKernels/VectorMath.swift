import CKernels

// Elementwise exp, σ and tanh over buffers. Float uses a SIMD polynomial
// (16 lanes: AVX-512 where the CPU has it, else portable SIMD types; the
// same bits either way); Double, used only by the gradient checks, uses libm.
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

    /// max and argmax of x[0..<count] (count > 0): the one argmax of the
    /// model and its search (a step's most probable token, training's own
    /// token, the loss's accuracy, log-softmax's shift). The first index
    /// wins ties, as the scalar loop below does; Float runs the vector
    /// kernel (a row of NaNs gives index 0), Double (the gradient checks)
    /// the loop.
    @inlinable public static func maxAndArgmax(_ x: UnsafePointer<Self>, count: Int) -> (Self, Int) {
        if Self.self == Float.self {
            let (m, i) = VectorFloat.maxAndArgmax(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), count: count)
            return (Self(m), i)
        }
        var best = 0
        for k in 1..<count where x[k] > x[best] { best = k }
        return (x[best], best)
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

/// The Float kernels: AVX-512 (vector_math.c) where the CPU has it, the
/// portable SIMD versions (`Portable`) elsewhere; the two give the same bits.
public enum VectorFloat {
    public typealias V = SIMD16<Float>

    /// Whether this CPU runs vector_math.c (AVX512F).
    public static let usesAVX512 = CPUFeatures.current.contains(.avx512)

    public static func exp(_ x: UnsafeMutablePointer<Float>, count: Int) {
        usesAVX512 ? s2s_vec_exp(x, count) : Portable.exp(x, count: count)
    }

    public static func sigmoid(_ x: UnsafeMutablePointer<Float>, count: Int) {
        usesAVX512 ? s2s_vec_sigmoid(x, count) : Portable.sigmoid(x, count: count)
    }

    public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        usesAVX512 ? s2s_vec_tanh(x, count) : Portable.tanh(x, count: count)
    }

    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        usesAVX512 ? s2s_vec_dot(a, b, count) : Portable.dot(a, b, count: count)
    }

    /// max and argmax of x[0..<count] (count > 0); the first index wins ties;
    /// a row of NaNs gives index 0.
    public static func maxAndArgmax(_ x: UnsafePointer<Float>, count: Int) -> (Float, Int) {
        guard usesAVX512 else { return Portable.maxAndArgmax(x, count: count) }
        var best: Float = 0
        let i = s2s_vec_max_argmax(x, count, &best)
        return (best, i)
    }

    /// Σ x[0..<count] (16 running Float sums, then added in Double).
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        usesAVX512 ? s2s_vec_sum(x, count) : Portable.sum(x, count: count)
    }

    /// Σ e^(x_k − shift) over x[0..<count], without storing the exponentials
    /// (log-softmax and the loss of a row when no gradient is wanted). With
    /// shift = max x every term is ≤ 1; 16 running Float sums, added in Double.
    public static func sumExp(_ x: UnsafePointer<Float>, shift: Float, count: Int) -> Double {
        usesAVX512 ? s2s_vec_sum_exp(x, shift, count) : Portable.sumExp(x, shift: shift, count: count)
    }

    /// Σ x² of one block (≤ `sumOfSquaresBlockSize` values), in Double.
    public static func sumOfSquaresBlock(_ x: UnsafePointer<Float>, count: Int) -> Double {
        usesAVX512 ? s2s_vec_sum_of_squares(x, count) : Portable.sumOfSquaresBlock(x, count: count)
    }

    /// out (D) = Σ_j w_j rows_j over j < count (rows (count, D) row-major).
    public static func weightedSum(_ out: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>,
                                   rows: UnsafePointer<Float>, count n: Int, dim D: Int) {
        if usesAVX512 {
            s2s_vec_weighted_sum(out, w, rows, n, D)
        } else {
            Portable.weightedSum(out, weights: w, rows: rows, count: n, dim: D)
        }
    }

    /// The k largest of x[0..<count] best first (ties: the lower index
    /// first) into `tokens`/`values` (room for k each), never an index in
    /// `skip`; returns how many (≤ k).
    public static func topK(_ x: UnsafePointer<Float>, count: Int, k: Int, skip: [Int32],
                            tokens: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Float>) -> Int {
        guard usesAVX512 else { return Portable.topK(x, count: count, k: k, skip: skip, tokens: tokens, values: values) }
        return skip.withUnsafeBufferPointer {
            Int(s2s_vec_top_k(x, count, Int32(k), $0.baseAddress, Int32($0.count), tokens, values))
        }
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
}
