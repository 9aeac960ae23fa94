import S2SKernels

/// The LSTM (Hochreiter & Schmidhuber 1997): four gates i, f, g, o fused in
/// one (B, 4H) block, a memory c, h·U added into the gates' pre-activations
/// (`LSTMCell` has the equations). Its cache is tanh(c_t); the gates'
/// activations overwrite their pre-activations.
enum LSTM: RecurrentCell {
    static let gates = 4
    static let keepsRecurrentApart = false
    static let hasMemory = true
    static func cacheWidth(hidden: Int) -> Int { hidden }

    /// The forget gate's bias starts at 1, so that memory is kept early in
    /// training (Gers et al. 2000; Jozefowicz et al. 2015).
    static func initializeBias<T: Real>(_ b: UnsafeMutablePointer<T>, hidden: Int) {
        for k in hidden..<(2 * hidden) { b[k] = 1 }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func forward<T: Real>(_ s: CellStep<T>) {
        LSTMCell.forward(h: s.h, c: s.c, tanhC: s.cache!, gates: s.gates, hPrev: s.hPrev, cPrev: s.cPrev,
                         mask: s.mask, batch: s.batch, hidden: s.hidden, threads: s.threads)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func backward<T: Real>(_ s: CellBackwardStep<T>) {
        // dc is read (∂c_t) and overwritten (∂c_{t−1}) elementwise: safe in place.
        LSTMCell.backward(dGates: s.dGates, dhPrev: s.dhPrev, dcPrev: s.dc, dh: s.dh, dc: s.dc,
                          gates: s.gates, cPrev: s.cPrev, tanhC: s.cache!, mask: s.mask,
                          batch: s.batch, hidden: s.hidden, threads: s.threads)
    }
}
