import CKernels

/// The LSTM cell's pointwise part (Hochreiter & Schmidhuber 1997; the seeds'
/// equations), with the four gates fused into one (B, 4H) block in the order
/// i, f, g, o:
///
///     gates = x·W + h_{t−1}·U + b                      (GEMMs, done by the caller)
///     c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)
///     h_t = σ(o) ⊙ tanh(c_t)
///
/// The input part x·W is one GEMM for the whole sequence; only h·U is inside
/// the time loop (Marian's FastLSTM). A mask per row carries the state of a
/// padded step through unchanged (mask 0: h_t = h_{t−1}, c_t = c_{t−1}).
public enum LSTMCell {
    /// - Parameters:
    ///   - h, c: (B, H) outputs h_t, c_t.
    ///   - tanhC: (B, H) output cache tanh(c_t).
    ///   - gates: (B, 4H) pre-activations in; overwritten with the activations
    ///     σ(i), σ(f), tanh(g), σ(o) (the backward's cache).
    ///   - hPrev, cPrev: (B, H) the previous state.
    ///   - mask: (B) 1 for a real step, 0 for padding; nil: all real.
    @inlinable
    public static func forward<T: Real>(
        h: UnsafeMutablePointer<T>, c: UnsafeMutablePointer<T>, tanhC: UnsafeMutablePointer<T>,
        gates: UnsafeMutablePointer<T>, hPrev: UnsafePointer<T>, cPrev: UnsafePointer<T>,
        mask: UnsafePointer<T>?, batch: Int, hidden: Int, threads: Int = 1
    ) {
        let H = hidden
        // Units are independent: split over threads by ranges of hidden units
        // (every row's i, f, g, o of those units), so that even one row is
        // shared (same values: each is computed alone). A part of fewer than
        // ~4,096 gate values is not worth a hand-off.
        Parallel.ranges(H, parts: threads, minimum: max(16, 1024 / max(batch, 1)), alignment: 16) { units in
            let j0 = units.lowerBound, n = units.count
            for b in 0..<batch {
                let g = gates + b * 4 * H
                let row = b * H
                if let mask, mask[b] == 0 {
                    // A padded row carries its state; its cache is tanh(c) as a real step's.
                    (h + row + j0).update(from: hPrev + row + j0, count: n)
                    (c + row + j0).update(from: cPrev + row + j0, count: n)
                    (tanhC + row + j0).update(from: cPrev + row + j0, count: n)
                    T.tanhInPlace(tanhC + row + j0, count: n)
                    for q in 0..<4 { (g + q * H + j0).update(repeating: 0, count: n) }
                    continue
                }
                if T.self == Float.self && VectorFloat.usesAVX512 {
                    // The same values in one pass (lstm_cell.c).
                    fusedForward(g, cPrev: cPrev + row, c: c + row, tanhC: tanhC + row, h: h + row, hidden: H,
                                 units: units)
                    continue
                }
                // Activations in place, vectorised: σ(i), σ(f) | tanh(g) | σ(o).
                T.sigmoidInPlace(g + j0, count: n)
                T.sigmoidInPlace(g + H + j0, count: n)
                T.tanhInPlace(g + 2 * H + j0, count: n)
                T.sigmoidInPlace(g + 3 * H + j0, count: n)
                for j in units {
                    let cj = g[H + j] * cPrev[row + j] + g[j] * g[2 * H + j]
                    c[row + j] = cj
                    tanhC[row + j] = cj
                }
                T.tanhInPlace(tanhC + row + j0, count: n)
                for j in units { h[row + j] = g[3 * H + j] * tanhC[row + j] }
            }
        }
    }

    /// One row's units of `forward` in lstm_cell.c (T is Float; AVX512F).
    @usableFromInline
    static func fusedForward<T: Real>(_ gates: UnsafeMutablePointer<T>, cPrev: UnsafePointer<T>,
                                      c: UnsafeMutablePointer<T>, tanhC: UnsafeMutablePointer<T>,
                                      h: UnsafeMutablePointer<T>, hidden: Int, units: Range<Int>) {
        func f(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
            UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
        }
        s2s_lstm_forward_units(f(gates), hidden, f(UnsafeMutablePointer(mutating: cPrev)), f(c), f(tanhC), f(h),
                               units.lowerBound, units.count)
    }

    /// Backward through one step's pointwise part.
    /// - Parameters:
    ///   - dGates: (B, 4H) output: ∂loss/∂gates (pre-activation); zero on padded rows.
    ///   - dhPrev: (B, H) output, overwritten: the part of ∂loss/∂h_{t−1} that
    ///     skips the GEMM (the carried state on padded rows, else 0); the caller
    ///     then adds dGates·Uᵀ.
    ///   - dcPrev: (B, H) output, overwritten: ∂loss/∂c_{t−1}.
    ///   - dh: (B, H) ∂loss/∂h_t (from above and from step t+1).
    ///   - dc: (B, H) ∂loss/∂c_t from step t+1.
    ///   - gates, cPrev, tanhC, mask: the forward's caches.
    @inlinable
    public static func backward<T: Real>(
        dGates: UnsafeMutablePointer<T>, dhPrev: UnsafeMutablePointer<T>, dcPrev: UnsafeMutablePointer<T>,
        dh: UnsafePointer<T>, dc: UnsafePointer<T>,
        gates: UnsafePointer<T>, cPrev: UnsafePointer<T>, tanhC: UnsafePointer<T>,
        mask: UnsafePointer<T>?, batch: Int, hidden: Int, threads: Int = 1
    ) {
        let H = hidden
        // Rows are independent: split over threads (same values).
        Parallel.ranges(batch, parts: threads, minimum: Parallel.minimumRows(width: hidden)) { rows in
            for b in rows {
                let g = gates + b * 4 * H, dg = dGates + b * 4 * H
                let row = b * H
                if let mask, mask[b] == 0 {
                    for j in 0..<H {
                        dhPrev[row + j] = dh[row + j]
                        dcPrev[row + j] = dc[row + j]
                        dg[j] = 0; dg[H + j] = 0; dg[2 * H + j] = 0; dg[3 * H + j] = 0
                    }
                    continue
                }
                for j in 0..<H {
                    let i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j]
                    let tc = tanhC[row + j]
                    let dhj = dh[row + j]
                    let dcj = dc[row + j] + dhj * o * (1 - tc * tc)
                    dg[j] = dcj * gg * i * (1 - i)
                    dg[H + j] = dcj * cPrev[row + j] * f * (1 - f)
                    dg[2 * H + j] = dcj * i * (1 - gg * gg)
                    dg[3 * H + j] = dhj * tc * o * (1 - o)
                    dcPrev[row + j] = dcj * f
                    dhPrev[row + j] = 0
                }
            }
        }
    }
}
