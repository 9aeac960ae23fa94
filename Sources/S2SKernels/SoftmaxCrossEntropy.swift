/// Softmax and cross-entropy over the vocabulary, fused with the gradient of
/// the logits, for a block of rows (the output projection is chunked over the
/// B·T rows so that a (rows, V) block stays small).
///
/// With label smoothing ε the target distribution is q = (1−ε)·onehot(y) + ε/V
/// (PyTorch's definition); loss = −Σ_k q_k log p_k, ∂loss/∂logits = p − q.
/// Rows whose target is `<pad>` (id 0) are ignored: no loss, zero gradient.
public enum SoftmaxCrossEntropy {
    public struct Result: Equatable, Sendable {
        /// Σ of the training loss (smoothed when ε > 0) over non-padding rows.
        public var loss: Double = 0
        /// Σ −log p(y): the plain negative log-likelihood, for perplexity.
        public var nll: Double = 0
        /// Rows where argmax p == y, and rows counted.
        public var correct: Int = 0
        public var tokens: Int = 0

        public init() {}

        public static func += (a: inout Result, b: Result) {
            a.loss += b.loss; a.nll += b.nll; a.correct += b.correct; a.tokens += b.tokens
        }
    }

    /// - Parameters:
    ///   - dLogits: (R, V) output: scale·(p − q); may be the same memory as `logits`.
    ///   - logits: (R, V).
    ///   - targets: (R) gold ids; 0 = padding.
    ///   - scale: multiplies the gradient (e.g. 1 / tokens in the batch).
    ///   - threads: rows are split over this many threads (each row's work is
    ///     independent; the sums are taken in row order afterwards, so the
    ///     result is the same whatever the count).
    @inlinable
    public static func forwardBackward<T: Real>(
        dLogits: UnsafeMutablePointer<T>?, logits: UnsafePointer<T>, targets: UnsafePointer<Int32>,
        rows: Int, vocab V: Int, labelSmoothing eps: Double = 0, scale: T = 1, threads: Int = 1
    ) -> Result {
        var result = Result()
        withUnsafeTemporaryAllocation(of: Result.self, capacity: rows) { perRow in
            let out = perRow.baseAddress!
            Parallel.ranges(rows, parts: threads, minimum: 16) { range in
                for r in range {
                    (out + r).initialize(to: row(r, dLogits: dLogits, logits: logits, targets: targets, vocab: V,
                                                 labelSmoothing: eps, scale: scale))
                }
            }
            for r in 0..<rows { result += perRow[r] }
        }
        return result
    }

    /// One row r: its loss terms, and its gradient row when `dLogits` is given.
    @inlinable @inline(__always)
    static func row<T: Real>(
        _ r: Int, dLogits: UnsafeMutablePointer<T>?, logits: UnsafePointer<T>, targets: UnsafePointer<Int32>,
        vocab V: Int, labelSmoothing eps: Double, scale: T
    ) -> Result {
        var result = Result()
        let z = logits + r * V
        let y = Int(targets[r])
        if y == 0 {
            if let dLogits { (dLogits + r * V).update(repeating: 0, count: V) }
            return result
        }
        let (maxValue, argmax) = T.maxAndArgmax(z, count: V)
        var sumLogits = 0.0
        if eps > 0 {
            if T.self == Float.self {
                sumLogits = VectorFloat.sum(UnsafeRawPointer(z).assumingMemoryBound(to: Float.self), count: V)
            } else {
                for k in 0..<V { sumLogits += Double(z[k]) }
            }
        }
        let zy = z[y]
        // e_k = exp(z_k − max), once, into the gradient row (or a scalar sum).
        var sum = 0.0
        if let dLogits {
            let d = dLogits + r * V
            for k in 0..<V { d[k] = z[k] - maxValue }
            T.expInPlace(d, count: V)
            if T.self == Float.self {
                sum = VectorFloat.sum(UnsafeRawPointer(d).assumingMemoryBound(to: Float.self), count: V)
            } else {
                for k in 0..<V { sum += Double(d[k]) }
            }
        } else if T.self == Float.self {
            sum = VectorFloat.sumExp(UnsafeRawPointer(z).assumingMemoryBound(to: Float.self),
                                     shift: Float(maxValue), count: V)
        } else {
            for k in 0..<V { sum += Double(T.exp(z[k] - maxValue)) }
        }
        let logZ = Double(maxValue) + Double.log(sum)
        let nll = logZ - Double(zy)
        // −Σ_k (ε/V) log p_k = ε·(logZ − mean(z))
        let smooth = eps > 0 ? eps * (logZ - sumLogits / Double(V)) : 0
        result.nll = nll
        result.loss = (1 - eps) * nll + smooth
        result.tokens = 1
        if argmax == y { result.correct = 1 }
        if let dLogits {
            let d = dLogits + r * V
            let uniform = scale * T(eps / Double(V))
            let norm = scale / T(sum)
            for k in 0..<V { d[k] = d[k] * norm - uniform }
            d[y] -= scale * T(1 - eps)
        }
        return result
    }
}
