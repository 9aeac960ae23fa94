import S2SKernels

/// The Elman RNN, the seeds' vanilla recurrent network: h_t = tanh(x·W +
/// h_{t−1}·U + b), one gate, no memory (`RNNCell` has the equations). Its
/// activations overwrite its pre-activations; it needs no other cache.
enum ElmanRNN: RecurrentCell {
    static let gates = 1
    static let keepsRecurrentApart = false
    static let hasMemory = false
    static func cacheWidth(hidden: Int) -> Int { 0 }
    static func initializeBias<T: Real>(_ b: UnsafeMutablePointer<T>, hidden: Int) {}

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func forward<T: Real>(_ s: CellStep<T>) {
        RNNCell.forward(h: s.h, pre: s.gates, hPrev: s.hPrev, mask: s.mask, batch: s.batch, hidden: s.hidden,
                        threads: s.threads)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func backward<T: Real>(_ s: CellBackwardStep<T>) {
        RNNCell.backward(dPre: s.dGates, dhPrev: s.dhPrev, dh: s.dh, act: s.gates, mask: s.mask,
                         batch: s.batch, hidden: s.hidden, threads: s.threads)
    }
}
