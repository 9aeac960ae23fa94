/// The GRU cell's pointwise part (Cho et al. 2014; the seeds' equations), gates
/// fused in the order r, z, n. The input and recurrent projections stay
/// separate because the reset gate multiplies only the recurrent part of n:
///
///     xg = x·W + b_x,  hg = h_{t−1}·U + b_h            (B, 3H) each (GEMMs, by the caller)
///     r = σ(xg_r + hg_r),  z = σ(xg_z + hg_z)
///     n = tanh(xg_n + r ⊙ hg_n)
///     h_t = z ⊙ h_{t−1} + (1 − z) ⊙ n
///
/// A mask per row carries the state through padded steps (mask 0: h_t = h_{t−1}).
public enum GRUCell {
    /// - Parameters:
    ///   - h: (B, H) output h_t.
    ///   - act: (B, 3H) output cache: r, z, n.
    ///   - xg, hg: (B, 3H) the two projections (hg is kept as a cache: hg_n is needed).
    ///   - hPrev: (B, H); mask: (B) or nil.
    @inlinable
    public static func forward<T: Real>(
        h: UnsafeMutablePointer<T>, act: UnsafeMutablePointer<T>,
        xg: UnsafePointer<T>, hg: UnsafePointer<T>, hPrev: UnsafePointer<T>,
        mask: UnsafePointer<T>?, batch: Int, hidden: Int, threads: Int = 1
    ) {
        let H = hidden
        // Rows are independent: split over threads (same values).
        Parallel.ranges(batch, parts: threads, minimum: Parallel.minimumRows(width: hidden)) { rows in
            for b in rows {
                let x = xg + b * 3 * H, hh = hg + b * 3 * H, a = act + b * 3 * H
                let row = b * H
                if let mask, mask[b] == 0 {
                    for j in 0..<H {
                        h[row + j] = hPrev[row + j]
                        a[j] = 0; a[H + j] = 0; a[2 * H + j] = 0
                    }
                    continue
                }
                for j in 0..<(2 * H) { a[j] = x[j] + hh[j] }
                T.sigmoidInPlace(a, count: 2 * H)                       // r, z
                for j in 0..<H { a[2 * H + j] = x[2 * H + j] + a[j] * hh[2 * H + j] }
                T.tanhInPlace(a + 2 * H, count: H)                      // n
                for j in 0..<H {
                    let z = a[H + j]
                    h[row + j] = z * hPrev[row + j] + (1 - z) * a[2 * H + j]
                }
            }
        }
    }

    /// - Parameters:
    ///   - dxg: (B, 3H) output ∂loss/∂xg.
    ///   - dhg: (B, 3H) output ∂loss/∂hg.
    ///   - dhPrev: (B, H) output, overwritten: the direct part of ∂loss/∂h_{t−1}
    ///     (z ⊙ dh, or all of dh on padded rows); the caller adds dhg·Uᵀ.
    ///   - dh: (B, H) ∂loss/∂h_t.
    ///   - act, hg, hPrev, mask: the forward's caches.
    @inlinable
    public static func backward<T: Real>(
        dxg: UnsafeMutablePointer<T>, dhg: UnsafeMutablePointer<T>, dhPrev: UnsafeMutablePointer<T>,
        dh: UnsafePointer<T>, act: UnsafePointer<T>, hg: UnsafePointer<T>, hPrev: UnsafePointer<T>,
        mask: UnsafePointer<T>?, batch: Int, hidden: Int, threads: Int = 1
    ) {
        let H = hidden
        // Rows are independent: split over threads (same values).
        Parallel.ranges(batch, parts: threads, minimum: Parallel.minimumRows(width: hidden)) { rows in
            for b in rows {
                let a = act + b * 3 * H, hh = hg + b * 3 * H
                let dx = dxg + b * 3 * H, dhh = dhg + b * 3 * H
                let row = b * H
                if let mask, mask[b] == 0 {
                    for j in 0..<H {
                        dhPrev[row + j] = dh[row + j]
                        dx[j] = 0; dx[H + j] = 0; dx[2 * H + j] = 0
                        dhh[j] = 0; dhh[H + j] = 0; dhh[2 * H + j] = 0
                    }
                    continue
                }
                for j in 0..<H {
                    let r = a[j], z = a[H + j], n = a[2 * H + j]
                    let d = dh[row + j]
                    let dnPre = d * (1 - z) * (1 - n * n)
                    let dzPre = d * (hPrev[row + j] - n) * z * (1 - z)
                    let drPre = dnPre * hh[2 * H + j] * r * (1 - r)
                    dx[j] = drPre; dx[H + j] = dzPre; dx[2 * H + j] = dnPre
                    dhh[j] = drPre; dhh[H + j] = dzPre; dhh[2 * H + j] = dnPre * r
                    dhPrev[row + j] = d * z
                }
            }
        }
    }
}
