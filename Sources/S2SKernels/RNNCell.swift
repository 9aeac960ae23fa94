/// The Elman (vanilla) RNN cell's pointwise part, the seeds' first recurrent
/// network:
///
///     pre = x·W + h_{t−1}·U + b                        (GEMMs, done by the caller)
///     h_t = tanh(pre)
///
/// One gate, no memory: its gradient through time is a product of Uᵀ and
/// tanh′ factors, which is what vanishes or explodes over long spans.
/// A mask per row carries the state through padded steps (mask 0: h_t = h_{t−1}).
public enum RNNCell {
    /// - Parameters:
    ///   - h: (B, H) output h_t.
    ///   - pre: (B, H) pre-activations in; overwritten with tanh(pre), the
    ///     backward's cache (0 on padded rows).
    ///   - hPrev: (B, H); mask: (B) 1 for a real step, 0 for padding; nil: all real.
    @inlinable
    public static func forward<T: Real>(
        h: UnsafeMutablePointer<T>, pre: UnsafeMutablePointer<T>, hPrev: UnsafePointer<T>,
        mask: UnsafePointer<T>?, batch: Int, hidden: Int, threads: Int = 1
    ) {
        let H = hidden
        // Rows are independent: split over threads (same values).
        Parallel.ranges(batch, parts: threads, minimum: Parallel.minimumRows(width: hidden)) { rows in
            for b in rows {
                let a = pre + b * H, row = b * H
                if let mask, mask[b] == 0 {
                    for j in 0..<H { h[row + j] = hPrev[row + j]; a[j] = 0 }
                    continue
                }
                T.tanhInPlace(a, count: H)
                (h + row).update(from: a, count: H)
            }
        }
    }

    /// Backward through one step's pointwise part.
    /// - Parameters:
    ///   - dPre: (B, H) output: ∂loss/∂pre = ∂h ⊙ (1 − h²); zero on padded rows.
    ///     May be the memory of `act` (read before it is written, value by value).
    ///   - dhPrev: (B, H) output, overwritten: the part of ∂loss/∂h_{t−1} that
    ///     skips the GEMM (the carried state on padded rows, else 0); the caller
    ///     then adds dPre·Uᵀ.
    ///   - dh: (B, H) ∂loss/∂h_t; act: the forward's cache tanh(pre).
    @inlinable
    public static func backward<T: Real>(
        dPre: UnsafeMutablePointer<T>, dhPrev: UnsafeMutablePointer<T>, dh: UnsafePointer<T>,
        act: UnsafePointer<T>, mask: UnsafePointer<T>?, batch: Int, hidden: Int, threads: Int = 1
    ) {
        let H = hidden
        Parallel.ranges(batch, parts: threads, minimum: Parallel.minimumRows(width: hidden)) { rows in
            for b in rows {
                let row = b * H
                if let mask, mask[b] == 0 {
                    for j in 0..<H { dhPrev[row + j] = dh[row + j]; dPre[row + j] = 0 }
                    continue
                }
                for j in 0..<H {
                    let a = act[row + j]
                    dPre[row + j] = dh[row + j] * (1 - a * a)
                    dhPrev[row + j] = 0
                }
            }
        }
    }
}
