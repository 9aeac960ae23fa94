import S2SKernels

/// What one kind of recurrent cell brings to a `RecurrentLayer` (training)
/// and to a decoding step: the number of gates (the fused projections are
/// (B, G·H)), whether h·U keeps a buffer and a bias b_h of its own, whether
/// it carries a memory c besides h, the width of its own activation cache,
/// its bias initialisation, and its pointwise forward and backward.
/// `ModelConfig.Cell.kind` maps a configuration's cell to its type: a new
/// kind is one new file here (with its kernel in S2SKernels) and one case.
protocol RecurrentCell {
    /// Gates per unit: the projections x·W + b and h·U are (B, G·H).
    static var gates: Int { get }
    /// Whether h·U + b_h is kept apart from x·W + b (the GRU's reset gate
    /// multiplies only its candidate part); otherwise h·U is added into the
    /// same pre-activations (LSTM, Elman RNN), and decoding packs [W; U]
    /// into one product.
    static var keepsRecurrentApart: Bool { get }
    /// Whether the cell carries a memory c (LSTM), which the bridge copies
    /// from encoder to decoder beside h.
    static var hasMemory: Bool { get }
    /// Values per row and step of the cell's own forward cache (0: none).
    static func cacheWidth(hidden: Int) -> Int
    /// Sets the bias b (G·H) after the zero initialisation (the LSTM's
    /// forget gate starts at 1).
    static func initializeBias<T: Real>(_ b: UnsafeMutablePointer<T>, hidden: Int)
    /// The pointwise step: h (and c) from the pre-activations.
    static func forward<T: Real>(_ s: CellStep<T>)
    /// Its backward: ∂ of the pre-activations (and of h·U + b_h when apart)
    /// and the part of ∂h_{t−1} that skips U (and ∂c_{t−1}).
    static func backward<T: Real>(_ s: CellBackwardStep<T>)
}

/// One step's buffers for `RecurrentCell.forward`, rows × hidden units.
struct CellStep<T: Real> {
    /// (B, H) outputs h_t and c_t (c unused by cells without memory).
    var h, c: UnsafeMutablePointer<T>
    /// (B, H) the previous state.
    var hPrev, cPrev: UnsafePointer<T>
    /// (B, G·H) pre-activations in (x·W + b, plus h·U unless kept apart);
    /// the cell may overwrite them with its activations (its cache).
    var gates: UnsafeMutablePointer<T>
    /// (B, G·H) h·U + b_h for cells that keep it apart, else nil.
    var recurrent: UnsafePointer<T>?
    /// (B, cacheWidth) the cell's own cache, nil when its width is 0.
    var cache: UnsafeMutablePointer<T>?
    /// (B) 1 for a real step, 0 for padding (the state carries through); nil: all real.
    var mask: UnsafePointer<T>?
    var batch, hidden, threads: Int
}

/// One step's buffers for `RecurrentCell.backward`.
struct CellBackwardStep<T: Real> {
    /// (B, G·H) out: ∂ of the pre-activations (the same memory as the
    /// forward's `gates`, which the cell reads before it writes each value).
    var dGates: UnsafeMutablePointer<T>
    /// (B, G·H) out: ∂(h·U + b_h) for cells that keep it apart, else nil.
    var dRecurrent: UnsafeMutablePointer<T>?
    /// (B, H) out, overwritten: the part of ∂h_{t−1} that skips U (the
    /// carried state on padded rows, else 0); the layer adds ∂·Uᵀ.
    var dhPrev: UnsafeMutablePointer<T>
    /// (B, H) in: ∂c_t; out: ∂c_{t−1} (cells with memory; elementwise in place).
    var dc: UnsafeMutablePointer<T>
    /// (B, H) ∂h_t, from above and from step t+1.
    var dh: UnsafePointer<T>
    /// The forward's buffers: activations in `gates`, its cache, h·U + b_h.
    var gates: UnsafePointer<T>
    var recurrent: UnsafePointer<T>?
    var cache: UnsafePointer<T>?
    var hPrev, cPrev: UnsafePointer<T>
    var mask: UnsafePointer<T>?
    var batch, hidden, threads: Int
}

/// The one place a cell kind is dispatched on: its type, and its two
/// pointwise steps. The steps go through a switch on the enum, inlined into
/// the caller, rather than through the type as an existential: a caller
/// specialised for Float then calls the cell specialised for Float (through
/// the existential, the generic code would run, its arithmetic through
/// witness tables, several times slower).
extension ModelConfig.Cell {
    var kind: any RecurrentCell.Type {
        switch self {
        case .lstm: return LSTM.self
        case .gru: return GRU.self
        case .rnn: return ElmanRNN.self
        }
    }

    @inline(__always)
    func forward<T: Real>(_ s: CellStep<T>) {
        switch self {
        case .lstm: LSTM.forward(s)
        case .gru: GRU.forward(s)
        case .rnn: ElmanRNN.forward(s)
        }
    }

    @inline(__always)
    func backward<T: Real>(_ s: CellBackwardStep<T>) {
        switch self {
        case .lstm: LSTM.backward(s)
        case .gru: GRU.backward(s)
        case .rnn: ElmanRNN.backward(s)
        }
    }
}
