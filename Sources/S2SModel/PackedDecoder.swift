import S2SKernels

/// The decoder's weights packed once for decoding (`PackedMatrix`): per
/// layer the gate weights with the recurrent ones stacked under them (LSTM,
/// Elman RNN: [W; U], one pass over [x; h̃; h]) or apart (GRU, whose U has
/// its own bias and reset gate), the attentional layer W_c and the output projection.
/// `Seq2Seq.packForDecoding()` makes it (and packs the encoder's U, see
/// `RecurrentPack`) once the parameters are final, and every decoding step
/// then uses it. Packing once matters because OpenBLAS repacks the weights on
/// every call: with the few rows a decoding step multiplies (beam 5, batch
/// 1), that repacking would be about half of the decoding time. Measurements:
/// docs/PERFORMANCE.md.
final class PackedDecoder: @unchecked Sendable {
    struct Layer {
        /// [W; U] (in + H, G·H); W (in, G·H) for cells that keep h·U apart
        /// (GRU). Layer 0 with `embedding`: the rows of W and U after the
        /// embedding's, [W_f; U] (input feeding), W_f or U.
        let gates: DecodingMatrix
        /// U (H, G·H) for cells that keep h·U apart; nil when stacked into `gates`.
        let recurrent: DecodingMatrix?
        /// Layer 0: emb(y)·W_x + b per target token (nil: above layer 0, a
        /// table too large, or nothing left for `gates` — a GRU without input feeding).
        var embedding: EmbeddingGates? = nil
    }
    let layers: [Layer]
    let wc: DecodingMatrix?
    let output: DecodingMatrix
    /// How each product runs, by name (`decoder.l0.gates`, `attention.W_c`,
    /// `output`): fixed, or the fastest measured at load.
    let plan: [(name: String, path: DecodingMatrix.Path)]

    /// `choose` gives each product's path from its parts, columns, name and
    /// the rows it runs at (nil: a step's rows).
    init(_ model: Seq2Seq<Float>, choose: ([PackedMatrix.Part], Int, String, Int?) -> DecodingMatrix.Path) {
        let c = model.config, H = c.hiddenSize, g = c.gateCount * H, E = c.embeddingSize
        var plan: [(String, DecodingMatrix.Path)] = []
        func matrix(_ parts: [PackedMatrix.Part], columns: Int, _ name: String) -> DecodingMatrix {
            let path = choose(parts, columns, name, nil)
            plan.append((name, path))
            return DecodingMatrix(stacking: parts, columns: columns, path: path)
        }
        func part(_ name: String, rows: Int) -> PackedMatrix.Part { PackedMatrix.Part(UnsafePointer(model.parameter(name)), rows: rows) }
        let apart = c.cell.kind.keepsRecurrentApart
        layers = (0..<c.layers).map { k in
            let p = "decoder.l\(k)"
            let input = k == 0 ? E + (c.inputFeeding ? H : 0) : H
            if k == 0, c.inputFeeding || !apart,
               let layer = PackedDecoder.embeddingLayer(model, choose: choose, record: { plan.append($0) }) {
                return layer
            }
            if apart {
                return Layer(gates: matrix([part("\(p).W", rows: input)], columns: g, "\(p).W"),
                             recurrent: matrix([part("\(p).U", rows: H)], columns: g, "\(p).U"))
            }
            return Layer(gates: matrix([part("\(p).W", rows: input), part("\(p).U", rows: H)], columns: g, "\(p).[W;U]"),
                         recurrent: nil)
        }
        wc = !c.attention.kind.attends ? nil : matrix([part("attention.W_c", rows: 2 * H)], columns: H, "attention.W_c")
        let V = c.targetVocabularySize
        // Tied: the output weights are the embeddings (V, H) transposed.
        output = matrix([c.tieTargetEmbeddings
                            ? PackedMatrix.Part(transposeOf: UnsafePointer(model.parameter("decoder.embedding")), rows: H, stride: H)
                            : part("output.W", rows: H)], columns: V, "output")
        self.plan = plan
    }

    /// Layer 0 as an `EmbeddingGates` table (W_x, timed at the table's
    /// block of rows) and the product of the rest of its input; nil when
    /// the table would be too large.
    private static func embeddingLayer(_ model: Seq2Seq<Float>,
                                       choose: ([PackedMatrix.Part], Int, String, Int?) -> DecodingMatrix.Path,
                                       record: ((String, DecodingMatrix.Path)) -> Void) -> Layer? {
        let c = model.config, H = c.hiddenSize, g = c.gateCount * H, E = c.embeddingSize
        let apart = c.cell.kind.keepsRecurrentApart
        let w = UnsafePointer(model.parameter("decoder.l0.W")), u = UnsafePointer(model.parameter("decoder.l0.U"))
        let wx = [PackedMatrix.Part(w, rows: E)]
        let tablePath = choose(wx, g, "decoder.l0.W_x (per token)", EmbeddingGates.block)
        guard let table = EmbeddingGates(embedding: UnsafePointer(model.parameter("decoder.embedding")),
                                         vocabulary: c.targetVocabularySize, embeddingSize: E, wx: w,
                                         bias: UnsafePointer(model.parameter("decoder.l0.b")), width: g,
                                         path: tablePath) else { return nil }
        record(("decoder.l0.W_x (per token)", tablePath))
        var rest: [(String, PackedMatrix.Part)] = []
        if c.inputFeeding { rest.append(("W_f", PackedMatrix.Part(w + E * g, rows: H))) }
        if !apart { rest.append(("U", PackedMatrix.Part(u, rows: H))) }
        let name = "decoder.l0." + (rest.count == 1 ? rest[0].0 : "[" + rest.map(\.0).joined(separator: ";") + "]")
        let parts = rest.map(\.1), restPath = choose(parts, g, name, nil)
        record((name, restPath))
        var recurrent: DecodingMatrix? = nil
        if apart {
            let uPart = [PackedMatrix.Part(u, rows: H)], uPath = choose(uPart, g, "decoder.l0.U", nil)
            record(("decoder.l0.U", uPath))
            recurrent = DecodingMatrix(stacking: uPart, columns: g, path: uPath)
        }
        return Layer(gates: DecodingMatrix(stacking: parts, columns: g, path: restPath), recurrent: recurrent,
                     embedding: table)
    }
}

extension Seq2Seq where T == Float {
    /// Packs the decoder's weights for fast decoding of small batches
    /// (beam search over one or a few sentences), and the encoder's, as
    /// `precision` says: the decoding plan (`decodingPlan`, `encoderPlan`,
    /// `wholeSequencePrecision`), resolved once. Call once the parameters
    /// are final (after loading a model to translate with); a later change
    /// to the parameters is not seen until this is called again. Does
    /// nothing where the CPU lacks the packed kernel (then OpenBLAS does
    /// the work). The precision must be available on this CPU
    /// (`DecodingPrecision.isAvailable`). `.auto` times each product's
    /// paths at `rows` rows (the hypotheses a step scores: beam size ×
    /// batch) for a few milliseconds and keeps the fastest
    /// (`decodingTimings`).
    public func packForDecoding(_ precision: DecodingPrecision = .float32, rows: Int = 160) {
        precondition(precision.isAvailable, "\(precision) decoding needs \(precision.needs); check DecodingPrecision.isAvailable")
        packedDecoder = nil
        recurrentPacks = [:]
        trainingPacks = nil
        workspace = nil  // the next one hands the encoder's packed U to its layers
        wholeSequencePrecision = .float32
        encoderPlan = []
        guard CPUFeatures.current.contains(.avx512) else { return }
        // One path for every product; AMX tiles where the CPU has them
        // (the same operands, the same bits for int8).
        let amx = CPUFeatures.current.contains(.amx)
        let path: DecodingMatrix.Path
        switch precision {
        case .auto:
            packMeasured(rows: rows)
            return
        case .float32:
            path = .float32
        case .bfloat16:
            path = amx ? .amx : .bfloat16
            wholeSequencePrecision = .bfloat16
        case .int8(let rest):
            path = amx ? .amxInt8 : .int8
            wholeSequencePrecision = rest ?? (CPUFeatures.current.contains(.bfloat16) ? .bfloat16 : .float32)
        }
        packedDecoder = PackedDecoder(self) { _, _, _, _ in path }
        // The encoder's input projections have an int8 path; in float32 or
        // bfloat16 they are whole-sequence products (`Matmul`).
        packEncoder(recurrent: path, inputs: path.isInt8 ? path : nil)
    }

    /// Packs the encoder's U on `recurrent` and its W on `inputs` (nil: W
    /// through `Matmul` in the whole-sequence precision), as
    /// `packForDecoding` chooses them, e.g. to compare the paths. Needs
    /// each path available (`DecodingMatrix.Path.available`).
    public func packEncoder(recurrent: DecodingMatrix.Path, inputs: DecodingMatrix.Path?) {
        precondition(([recurrent] + (inputs.map { [$0] } ?? [])).allSatisfy(DecodingMatrix.Path.available.contains),
                     "a path this CPU does not run; check DecodingMatrix.Path.available")
        workspace = nil  // the next one hands the packs to its layers
        recurrentPacks = Self.makeRecurrentPacks(config: config, layout: layout, parameters: parameters.base,
                                                 recurrentPath: recurrent, inputPath: inputs)
        encoderPlan = [("encoder U", recurrent)] + (inputs.map { [("encoder W", $0)] } ?? [])
    }

    /// `packForDecoding(.auto)`: each product's fastest path, from
    /// the cache of earlier runs on this CPU (`DecodingPlanCache`) or
    /// measured now (and then cached).
    private func packMeasured(rows: Int) {
        let cached = DecodingPlanCache.read()
        var fresh: [String: String] = [:]
        var times: [(name: String, timings: [(path: DecodingMatrix.Path, seconds: Double)])] = []
        // Products of one shape share one measurement (and so one path), as
        // they share one entry in the cache: timed apart, noise could give
        // them different paths that the next load, reading the cache, would
        // not reproduce.
        var measuredNow: [String: [(path: DecodingMatrix.Path, seconds: Double)]] = [:]
        func choose(_ shape: String, _ name: String, _ measure: () -> [(path: DecodingMatrix.Path, seconds: Double)])
            -> DecodingMatrix.Path {
            let key = DecodingPlanCache.key(shape)
            if let known = cached[key].flatMap(DecodingMatrix.Path.init(rawValue:)),
               DecodingMatrix.Path.available.contains(known) { return known }
            let t = measuredNow[key] ?? measure()
            measuredNow[key] = t
            times.append((name, t))
            let best = DecodingMatrix.fastest(t)
            fresh[key] = best.rawValue
            return best
        }
        // The candidates are part of the key: a plan cached before a path
        // joined them is measured anew.
        func shape(_ parts: [PackedMatrix.Part], _ columns: Int, rows: Int, among paths: [DecodingMatrix.Path]) -> String {
            "decoding product " + parts.map { "\($0.rows)\($0.transposedStride == nil ? "" : "t")" }.joined(separator: "+")
                + "x\(columns) at \(rows) rows, \(KernelThreads.current) threads, among "
                + paths.map(\.rawValue).joined(separator: "/")
        }
        let all = DecodingMatrix.Path.available
        packedDecoder = PackedDecoder(self) { parts, columns, name, at in
            let r = at ?? rows
            return choose(shape(parts, columns, rows: r, among: all), name) {
                DecodingMatrix.timings(stacking: parts, columns: columns, rows: r)
            }
        }
        // The encoder's U at the rows it steps at once (encodeChunk sentences).
        let c = config, Hd = c.encoderDirectionSize, g = c.gateCount * Hd, rowsU = Self.encodeChunk
        let u = [PackedMatrix.Part(UnsafePointer(parameter("encoder.l0.fwd.U")), rows: Hd)]
        let encoderU = choose(shape(u, g, rows: rowsU, among: all), "encoder U") {
            DecodingMatrix.timings(stacking: u, columns: g, rows: rowsU)
        }
        // The whole-sequence products (the encoder's input projections, the
        // attention's keys): a chunk's positions at once; bfloat16 stands for
        // BFloat16Gemm, anything else for OpenBLAS in float32.
        let (m, k) = (Self.encodeChunk * 30, c.embeddingSize)
        let wholeTimings = { DecodingMatrix.wholeSequenceTimings(rows: m, k: k, n: g) }
        let whole = choose("whole-sequence product \(m)x\(k)x\(g), \(KernelThreads.current) threads", "whole-sequence products") {
            wholeTimings().map { ($0.precision == .bfloat16 ? .bfloat16 : .openblas, $0.seconds) }
        }
        wholeSequencePrecision = whole == .bfloat16 ? .bfloat16 : .float32
        // The encoder's input projections on W packed once, or (openblas)
        // through Matmul as the other whole-sequence products, timed at the
        // best of those (so its own key: openblas means that here).
        let w = [PackedMatrix.Part(UnsafePointer(parameter("encoder.l0.fwd.W")), rows: k)]
        let packable = all.filter { $0 != .openblas }
        let encoderW = choose("encoder input " + shape(w, g, rows: m, among: all), "encoder W") {
            DecodingMatrix.timings(stacking: w, columns: g, rows: m, among: packable)
                + [(.openblas, wholeTimings().map(\.seconds).min()!)]
        }
        packEncoder(recurrent: encoderU, inputs: encoderW == .openblas ? nil : encoderW)
        decodingTimings = times
        DecodingPlanCache.store(fresh)
    }

    /// How each decoding product runs (after `packForDecoding`), by name:
    /// `decoder.l0.[W;U]`, `attention.W_c`, `output`; empty when not packed.
    public var decodingPlan: [(name: String, path: DecodingMatrix.Path)] { packedDecoder?.plan ?? [] }

    /// Whether `packForDecoding` packed the weights.
    public var isPackedForDecoding: Bool { packedDecoder != nil }

    /// The precision of the packed output layer (nil: not packed, or OpenBLAS).
    public var packedPrecision: PackedMatrix.Precision? { packedDecoder?.output.packed?.precision }
}
