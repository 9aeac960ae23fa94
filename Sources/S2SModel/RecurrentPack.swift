import S2SKernels

/// A recurrent layer's weights packed for the products that take a few rows
/// at a time — one per time step — where a general GEMM would repack the
/// weights on every call (see `PackedMatrix`).
///
/// Translating (`packForDecoding`), an encoder layer holds U for h_{t−1}·U
/// and, where one was chosen, W for the input projections x·W + b over a
/// chunk's positions at once, each on its own `DecodingMatrix` path (packed
/// float32 or bfloat16, int8 or OpenBLAS).
/// Training (`TrainingPacks`) packs, per layer, U and Uᵀ (∂gates·Uᵀ) and the
/// rows of W that multiply a per-step input with their transpose: decoder
/// layer 0's h̃ rows (input feeding), all of W for decoder layers ≥ 1.
/// At the reference training step's 64 × 512 × 2048 products the packed
/// kernel is faster than OpenBLAS (`s2s-bench gemm` compares the two; figures
/// in docs/PERFORMANCE.md).
final class RecurrentPack: @unchecked Sendable {
    let u: any MatrixProduct   // (Hd, G·Hd)
    let uT: PackedMatrix?  // (G·Hd, Hd)
    /// Rows [stepOffset, stepOffset + stepW.depth) of W, and their transpose.
    let stepW, stepWT: PackedMatrix?
    let stepOffset: Int
    /// Translating: all of W (input, G·Hd) for the input projections (nil:
    /// `Matmul` in the whole-sequence precision).
    let inputs: DecodingMatrix?
    /// What `refresh` packs into each matrix, read from the parameters.
    private let sources: [(PackedMatrix, [PackedMatrix.Part])]

    /// For translating: U on `recurrentPath`, and W (input rows) on
    /// `inputPath` (nil: no pack of W).
    init(W: UnsafePointer<Float>, input: Int, U: UnsafePointer<Float>, hidden: Int, gates: Int,
         recurrentPath: DecodingMatrix.Path, inputPath: DecodingMatrix.Path?) {
        u = DecodingMatrix(stacking: [PackedMatrix.Part(U, rows: hidden)], columns: gates, path: recurrentPath)
        inputs = inputPath.map { DecodingMatrix(stacking: [PackedMatrix.Part(W, rows: input)], columns: gates, path: $0) }
        uT = nil; stepW = nil; stepWT = nil; stepOffset = 0; sources = []
    }

    /// U, Uᵀ, and (stepRows > 0) rows [stepOffset, stepOffset + stepRows)
    /// of W and their transpose, for training; zero until `refresh()`.
    init(W: UnsafePointer<Float>, U: UnsafePointer<Float>, hidden: Int, gates: Int, stepOffset: Int, stepRows: Int,
         precision: PackedMatrix.Precision) {
        let u = PackedMatrix(depth: hidden, columns: gates, precision: precision)
        self.u = u
        uT = PackedMatrix(depth: gates, columns: hidden, precision: precision)
        inputs = nil
        var sources = [(u, [PackedMatrix.Part(U, rows: hidden)]),
                       (uT!, [PackedMatrix.Part(transposeOf: U, rows: gates, stride: gates)])]
        if stepRows > 0 {
            let w = W + stepOffset * gates
            stepW = PackedMatrix(depth: stepRows, columns: gates, precision: precision)
            stepWT = PackedMatrix(depth: gates, columns: stepRows, precision: precision)
            sources += [(stepW!, [PackedMatrix.Part(w, rows: stepRows)]),
                        (stepWT!, [PackedMatrix.Part(transposeOf: w, rows: gates, stride: gates)])]
        } else {
            stepW = nil; stepWT = nil
        }
        self.stepOffset = stepOffset
        self.sources = sources
    }

    /// Repacks from the current parameters (training: after every update).
    func refresh() {
        for (matrix, parts) in sources { matrix.pack(parts) }
    }

    /// The packed rows of W for a product over rows [offset, offset + rows)
    /// of W, if this pack has exactly those.
    func stepWeights(offset: Int, rows: Int, transposed: Bool) -> PackedMatrix? {
        guard offset == stepOffset, let w = transposed ? stepWT : stepW, (transposed ? w.columns : w.depth) == rows
        else { return nil }
        return w
    }
}

extension Seq2Seq {
    /// One pack per encoder layer and direction, by parameter prefix
    /// (e.g. `encoder.l0.fwd`), for translating: U on `recurrentPath`, W on
    /// `inputPath` (nil: not packed); empty for Double models or CPUs
    /// without the packed kernel.
    static func makeRecurrentPacks(config c: ModelConfig, layout: ParameterLayout,
                                   parameters: UnsafeMutablePointer<T>, recurrentPath: DecodingMatrix.Path,
                                   inputPath: DecodingMatrix.Path? = nil) -> [String: RecurrentPack] {
        guard T.self == Float.self, CPUFeatures.current.contains(.avx512) else { return [:] }
        let p = UnsafeRawPointer(parameters).assumingMemoryBound(to: Float.self)
        var packs: [String: RecurrentPack] = [:]
        for k in 0..<c.layers {
            for d in c.bidirectional ? ["fwd", "bwd"] : ["fwd"] {
                let prefix = "encoder.l\(k).\(d)", Hd = c.encoderDirectionSize
                packs[prefix] = RecurrentPack(W: p + layout.offset("\(prefix).W"), input: c.encoderInputWidth(layer: k),
                                               U: p + layout.offset("\(prefix).U"), hidden: Hd,
                                               gates: c.gateCount * Hd, recurrentPath: recurrentPath,
                                               inputPath: inputPath)
            }
        }
        return packs
    }
}
