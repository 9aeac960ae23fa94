import S2SKernels

/// The GRU (Cho et al. 2014): gates r, z, n fused in one (B, 3H) block, no
/// memory; h·U + b_h kept apart from x·W + b because the reset gate
/// multiplies only its candidate part (`GRUCell` has the equations). Its
/// cache is the activations r, z, n.
enum GRU: RecurrentCell {
    static let gates = 3
    static let keepsRecurrentApart = true
    static let hasMemory = false
    static func cacheWidth(hidden: Int) -> Int { 3 * hidden }
    static func initializeBias<T: Real>(_ b: UnsafeMutablePointer<T>, hidden: Int) {}

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func forward<T: Real>(_ s: CellStep<T>) {
        GRUCell.forward(h: s.h, act: s.cache!, xg: s.gates, hg: s.recurrent!, hPrev: s.hPrev, mask: s.mask,
                        batch: s.batch, hidden: s.hidden, threads: s.threads)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func backward<T: Real>(_ s: CellBackwardStep<T>) {
        GRUCell.backward(dxg: s.dGates, dhg: s.dRecurrent!, dhPrev: s.dhPrev, dh: s.dh, act: s.cache!,
                         hg: s.recurrent!, hPrev: s.hPrev, mask: s.mask, batch: s.batch, hidden: s.hidden,
                         threads: s.threads)
    }
}
