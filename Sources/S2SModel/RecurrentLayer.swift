import S2SKernels

/// One recurrent layer in one direction over a whole sequence: its cell
/// (`RecurrentCell`: LSTM, GRU or Elman RNN), its weights, and its
/// activations, time-major.
///
/// States live in `hs`/`cs` of shape (steps + 2, B, Hd): row 0 is the initial
/// state of a left-to-right pass, rows 1…steps hold the state after each
/// position, and row steps+1 is the initial state of a right-to-left pass. So
/// the previous state of position t is row t (forward) or row t+2 (backward),
/// and all previous states form one contiguous block, which makes
/// ∂U = Σ_t h_{t−1}ᵀ·∂proj_t a single GEMM over time.
struct RecurrentLayer<T: Real> {
    /// The cell kind (its steps dispatch through `ModelConfig.Cell`), and its type.
    let kind: ModelConfig.Cell
    let cell: any RecurrentCell.Type
    let hidden: Int          // Hd
    let input: Int           // width of the layer's input
    let reversed: Bool       // right-to-left pass
    var G: Int { cell.gates }

    // Weights (in, G·Hd), (Hd, G·Hd), (G·Hd) [, (G·Hd)] and their gradients.
    let W, U, b: UnsafeMutablePointer<T>
    let bh: UnsafeMutablePointer<T>?
    let dW, dU, db: UnsafeMutablePointer<T>
    let dbh: UnsafeMutablePointer<T>?

    // Activations for up to `capacitySteps` steps of `capacityBatch` rows.
    /// (steps, B, G·Hd) x·W + b (+ h·U unless the cell keeps it apart); the
    /// cell overwrites it with its activations.
    let proj: UnsafeMutablePointer<T>
    /// (steps, B, G·Hd) h·U + b_h, for cells that keep it apart (GRU).
    let recurrent: UnsafeMutablePointer<T>?
    let hs, cs: UnsafeMutablePointer<T>  // (steps + 2, B, Hd)
    /// (steps, B, cacheWidth) the cell's own cache (LSTM tanh(c_t); GRU r, z, n).
    let cache: UnsafeMutablePointer<T>?
    let dProj: UnsafeMutablePointer<T>   // (steps, B, G·Hd) ∂ input-side projection: the same memory as proj
    let dRecurrent: UnsafeMutablePointer<T>?  // (steps, B, G·Hd) ∂(h·U + b_h) when kept apart
    let dh, dc: UnsafeMutablePointer<T>  // (B, Hd) running ∂h, ∂c through time
    let dhIn: UnsafeMutablePointer<T>    // (B, Hd) scratch: ∂h_t from above + through time
    /// Weights packed for the per-step products (translation: U, and W for
    /// the input projections; training: U, Uᵀ and the per-step rows of W;
    /// nil: Matmul).
    let pack: RecurrentPack?

    /// Sizes of the activation blocks for up to `stepsTimesBatch` = steps·B
    /// rows and B ≤ `batch`, in the order `init` takes them: proj,
    /// recurrent, hs, cs, cache, dRecurrent, dh, dc, dhIn.
    static func activationSizes(cell: any RecurrentCell.Type, hidden: Int, stepsTimesBatch n: Int, batch: Int) -> [Int] {
        let g = cell.gates * hidden
        let apart = cell.keepsRecurrentApart
        let states = (n + 2 * batch) * hidden  // (steps + 2)·B rows
        // ∂proj takes proj's place (see `dProj`), so it has no block of its own.
        return [n * g, apart ? n * g : 0, states, states, n * cell.cacheWidth(hidden: hidden), apart ? n * g : 0,
                batch * hidden, batch * hidden, batch * hidden]
    }

    init(cell kind: ModelConfig.Cell, hidden: Int, input: Int, reversed: Bool, prefix: String,
         layout: ParameterLayout, params: UnsafeMutablePointer<T>, grads: UnsafeMutablePointer<T>,
         stepsTimesBatch: Int, batch: Int, take: (Int) -> UnsafeMutablePointer<T>, pack: RecurrentPack? = nil) {
        self.kind = kind
        let cell = kind.kind
        self.cell = cell
        self.pack = pack
        self.hidden = hidden
        self.input = input
        self.reversed = reversed
        W = params + layout.offset("\(prefix).W"); dW = grads + layout.offset("\(prefix).W")
        U = params + layout.offset("\(prefix).U"); dU = grads + layout.offset("\(prefix).U")
        b = params + layout.offset("\(prefix).b"); db = grads + layout.offset("\(prefix).b")
        let apart = cell.keepsRecurrentApart
        bh = apart ? params + layout.offset("\(prefix).b_h") : nil
        dbh = apart ? grads + layout.offset("\(prefix).b_h") : nil
        let s = Self.activationSizes(cell: cell, hidden: hidden, stepsTimesBatch: stepsTimesBatch, batch: batch)
        proj = take(s[0]); recurrent = apart ? take(s[1]) : nil
        hs = take(s[2]); cs = take(s[3]); cache = s[4] > 0 ? take(s[4]) : nil
        // The backward step at t reads proj[t] (the cell's activations) just
        // before it writes ∂proj[t], each value in place, and nothing reads
        // proj[t] afterwards: one buffer serves both.
        dProj = proj
        dRecurrent = apart ? take(s[5]) : nil
        dh = take(s[6]); dc = take(s[7]); dhIn = take(s[8])
    }

    /// Row of `hs`/`cs` that holds the state after position t.
    @inline(__always) func stateRow(_ t: Int) -> Int { t + 1 }
    /// Row holding the previous state of position t.
    @inline(__always) func prevRow(_ t: Int) -> Int { reversed ? t + 2 : t }
    /// Row holding the initial state.
    func initialRow(steps: Int) -> Int { reversed ? steps + 1 : 0 }
    /// Row holding the final state (after the last position processed).
    func finalRow(steps: Int) -> Int { reversed ? 1 : steps }

    func h(_ row: Int, _ B: Int) -> UnsafeMutablePointer<T> { hs + row * B * hidden }
    func c(_ row: Int, _ B: Int) -> UnsafeMutablePointer<T> { cs + row * B * hidden }

    /// proj[t·B + b] = x·W + b for positions [from, from + count) of `x`
    /// (count·B, input) rows `ldx` apart, or (accumulate) += x·W over rows
    /// [weightOffset, weightOffset + weightRows) of W (a piece of the input).
    func projectInputs(_ x: UnsafePointer<T>, from: Int, count: Int, batch B: Int, ldx: Int? = nil,
                       weightRows: Int? = nil, weightOffset: Int = 0, accumulate: Bool = false) {
        let g = G * hidden, k = weightRows ?? input
        // Packed: all of W once (translating), or the rows of W that one
        // decoder step's input multiplies (training).
        var packed: (any MatrixProduct)? = nil
        if ldx == nil {
            if !accumulate, weightOffset == 0, k == input, let w = pack?.inputs {
                packed = w
            } else if count == 1 {
                packed = pack?.stepWeights(offset: weightOffset, rows: k, transposed: false)
            }
        }
        LayerGates.addInput(into: proj + from * B * g, x, rows: count * B,
                            weights: WeightProduct(W + weightOffset * g, depth: k, columns: g, packed: packed),
                            bias: accumulate ? nil : b, lda: ldx)
    }

    /// dx (B, rows) = (accumulate ? dx : 0) + ∂proj_t · W[weightOffset ..<
    /// weightOffset + rows]ᵀ: the gradient of one step's input (the decoder's
    /// per-step inputs), through the packed transpose when training has one.
    func stepInputGradient(into dx: UnsafeMutablePointer<T>, _ t: Int, batch B: Int, weightOffset: Int = 0,
                           weightRows: Int? = nil, accumulate: Bool) {
        let g = G * hidden, rows = weightRows ?? input
        WeightProduct(W + weightOffset * g, depth: g, columns: rows, transposed: true,
                      packed: pack?.stepWeights(offset: weightOffset, rows: rows, transposed: true))
            .multiply(into: dx, dProj + t * B * g, rows: B, accumulate: accumulate)
    }

    /// Zeroes the initial state rows (h, and c for LSTM).
    func zeroInitialState(steps: Int, batch B: Int) {
        h(initialRow(steps: steps), B).update(repeating: 0, count: B * hidden)
        c(initialRow(steps: steps), B).update(repeating: 0, count: B * hidden)
    }

    /// One step at position t (input projection already in proj[t]).
    func forwardStep(_ t: Int, batch B: Int, mask: UnsafePointer<T>?) {
        addRecurrentProducts(t, batch: B)
        kind.forward(cellStep(t, batch: B, mask: mask))
    }

    /// Adds step t's recurrent part to its pre-activations (`LayerGates`):
    /// h_{t−1}·U into proj[t], or b_h + h_{t−1}·U into recurrent[t] for
    /// cells that keep it apart (GRU).
    func addRecurrentProducts(_ t: Int, batch B: Int) {
        let g = G * hidden
        LayerGates.addRecurrent(into: proj + t * B * g, recurrent: recurrent.map { $0 + t * B * g }, h(prevRow(t), B),
                                rows: B, weights: recurrentWeights, recurrentBias: bh)
    }

    /// The cell's buffers at position t: its pre-activations, the previous
    /// and the new state, its cache.
    func cellStep(_ t: Int, batch B: Int, mask: UnsafePointer<T>?) -> CellStep<T> {
        let g = G * hidden
        return CellStep(h: h(stateRow(t), B), c: c(stateRow(t), B), hPrev: h(prevRow(t), B), cPrev: c(prevRow(t), B),
                        gates: proj + t * B * g, recurrent: recurrent.map { UnsafePointer($0 + t * B * g) },
                        cache: cache.map { $0 + t * B * cacheWidth }, mask: mask, batch: B, hidden: hidden,
                        threads: KernelThreads.current)
    }

    /// Values per row and step of the cell's cache.
    var cacheWidth: Int { cell.cacheWidth(hidden: hidden) }

    /// U (Hd, G·Hd), packed when the layer has a pack.
    var recurrentWeights: WeightProduct<T> { WeightProduct(U, depth: hidden, columns: G * hidden, packed: pack?.u) }

    /// Starts a backward pass: ∂h, ∂c of the final state (from the bridge).
    func beginBackward(batch B: Int, dFinalH: UnsafePointer<T>?, dFinalC: UnsafePointer<T>?) {
        if let dFinalH { dh.update(from: dFinalH, count: B * hidden) } else { dh.update(repeating: 0, count: B * hidden) }
        if let dFinalC { dc.update(from: dFinalC, count: B * hidden) } else { dc.update(repeating: 0, count: B * hidden) }
    }

    /// One backward step at position t. `dOut` (B, Hd) is ∂loss/∂h_t from
    /// above (nil: none). Leaves ∂h_{t−1}, ∂c_{t−1} in `dh`, `dc` and the
    /// projection gradients in dProj[t] (and dRecurrent[t]).
    func backwardStep(_ t: Int, batch B: Int, dOut: UnsafePointer<T>?, mask: UnsafePointer<T>?) {
        let g = G * hidden, n = B * hidden
        if let dOut {
            for k in 0..<n { dhIn[k] = dh[k] + dOut[k] }
        } else {
            dhIn.update(from: dh, count: n)
        }
        let dRec = dRecurrent.map { $0 + t * B * g }
        kind.backward(CellBackwardStep(dGates: dProj + t * B * g, dRecurrent: dRec, dhPrev: dh, dc: dc, dh: dhIn,
                                       gates: proj + t * B * g, recurrent: recurrent.map { UnsafePointer($0 + t * B * g) },
                                       cache: cache.map { UnsafePointer($0 + t * B * cacheWidth) },
                                       hPrev: h(prevRow(t), B), cPrev: c(prevRow(t), B), mask: mask,
                                       batch: B, hidden: hidden, threads: KernelThreads.current))
        recurrentGradient(into: dh, dRec ?? dProj + t * B * g, batch: B)
    }

    /// dh (B, Hd) += ∂rec·Uᵀ, through the packed Uᵀ when training has one.
    @inline(__always) func recurrentGradient(into dh: UnsafeMutablePointer<T>, _ dRecurrent: UnsafePointer<T>,
                                             batch B: Int) {
        WeightProduct(U, depth: G * hidden, columns: hidden, transposed: true, packed: pack?.uT)
            .multiply(into: dh, dRecurrent, rows: B, accumulate: true)
    }

    /// After the backward loop: ∂W += xᵀ·∂proj, ∂U += h_prevᵀ·∂rec, ∂b, ∂b_h.
    /// `x` is the layer input (steps·B, input) with leading dimension ldx.
    func accumulateWeightGradients(x: UnsafePointer<T>, steps: Int, batch B: Int, ldx: Int? = nil,
                                   weightRows: Int? = nil, weightOffset: Int = 0, includeRecurrent: Bool = true) {
        let g = G * hidden, rows = steps * B
        Matmul.gemm(dW + weightOffset * g, x, dProj, m: weightRows ?? input, n: g, k: rows,
                    transA: true, beta: 1, lda: ldx)
        guard includeRecurrent else { return }
        let hPrevBlock = h(reversed ? 2 : 0, B)
        Matmul.gemm(dU, hPrevBlock, dRecurrent ?? dProj, m: hidden, n: g, k: rows, transA: true, beta: 1)
        columnSums(into: db, dProj, rows: rows, cols: g, threads: KernelThreads.current)
        if let dbh, let dRecurrent { columnSums(into: dbh, dRecurrent, rows: rows, cols: g, threads: KernelThreads.current) }
    }
}

/// out[j] += Σ_r m[r, j]. With threads, each takes a range of columns: every
/// column's sum runs in the same order, so the values are the same.
func columnSums<T: Real>(into out: UnsafeMutablePointer<T>, _ m: UnsafePointer<T>, rows: Int, cols: Int,
                         threads: Int = 1) {
    Parallel.ranges(cols, parts: threads, minimum: 256, alignment: 16) { columns in
        for r in 0..<rows {
            let row = m + r * cols
            for j in columns { out[j] += row[j] }
        }
    }
}

/// x += y (count values): a residual connection's sum, or its gradient's.
func addInPlace<T: Real>(_ x: UnsafeMutablePointer<T>, _ y: UnsafePointer<T>, count: Int) {
    for k in 0..<count { x[k] += y[k] }
}
