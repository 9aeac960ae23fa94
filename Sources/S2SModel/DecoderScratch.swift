import S2SCore
import S2SKernels

/// The work memory of search's decoder steps, made once per search (with
/// the state `encode` returns, handed on by `select`) and grown when a step
/// has more rows or a longer memory than any before: a step allocates
/// nothing but the state and the attention rows it returns. The steps of one search run one at a
/// time (every search here does), so the states that follow from one
/// encoding share it.
final class DecoderScratch<T: Real>: @unchecked Sendable {
    private(set) var rowCapacity = 0
    private(set) var memoryCapacity = 0
    private var block: UnsafeMutablePointer<T>?
    private var blockCount = 0

    // Views into `block`, laid out by `reserve` (widths per row).
    private(set) var inputs: [UnsafeMutablePointer<T>] = []  // per layer: E (layer 0), H above
    private(set) var gates: UnsafeMutablePointer<T>!          // G·H, one layer at a time
    private(set) var recurrent: UnsafeMutablePointer<T>!      // G·H (cells that keep h·U apart)
    private(set) var cache: UnsafeMutablePointer<T>!          // the cell's cache width
    private(set) var stacked: UnsafeMutablePointer<T>!        // [x; h̃; h] for one packed pass
    private(set) var topOutput: UnsafeMutablePointer<T>!      // H: h + x of the top layer (residual)
    private(set) var alpha: UnsafeMutablePointer<T>!          // memoryCapacity
    private(set) var context: UnsafeMutablePointer<T>!        // H
    private(set) var projectedQuery: UnsafeMutablePointer<T>! // A
    private(set) var cat: UnsafeMutablePointer<T>!            // 2H
    /// (rows, V) log-probabilities: handed out as the step's result and
    /// written in place again by the next step once the caller has let go
    /// of it (otherwise the write copies it first).
    var logProbs: [T] = []
    /// This search's output layer: the whole vocabulary's, or a
    /// shortlist's; and a shortlist's (rows, C) logits.
    var output: OutputLayer<T> {
        didSet { logProbs = [] }  // made anew: −∞ outside the candidates
    }
    var subsetLogits: [T] = []

    let config: ModelConfig
    /// Each decoder layer's weights (b_h: cells that keep h·U apart).
    let layers: [(W: UnsafePointer<T>, U: UnsafePointer<T>, b: UnsafePointer<T>, bh: UnsafePointer<T>?)]

    convenience init(_ model: Seq2Seq<T>) {
        let c = model.config, apart = c.cell.kind.keepsRecurrentApart
        self.init(config: c, layers: (0..<c.layers).map { k in
            let p = "decoder.l\(k)"
            return (UnsafePointer(model.parameter("\(p).W")), UnsafePointer(model.parameter("\(p).U")),
                    UnsafePointer(model.parameter("\(p).b")), apart ? UnsafePointer(model.parameter("\(p).b_h")) : nil)
        }, output: OutputLayer(model, packed: model.packedDecoder?.output))
    }

    /// A new scratch for the same model and output layer as `other` (a search of its own).
    convenience init(like other: DecoderScratch) {
        self.init(config: other.config, layers: other.layers, output: other.output)
    }

    private init(config: ModelConfig, layers: [(W: UnsafePointer<T>, U: UnsafePointer<T>, b: UnsafePointer<T>, bh: UnsafePointer<T>?)],
                 output: OutputLayer<T>) {
        self.config = config
        self.layers = layers
        self.output = output
    }

    deinit { block?.deallocate() }

    /// Makes room for `rows` rows attending over `memory` positions.
    func reserve(rows: Int, memory: Int) {
        if rows <= rowCapacity && memory <= memoryCapacity { return }
        let N = max(rows, rowCapacity), S = max(memory, memoryCapacity)
        let c = config, E = c.embeddingSize, H = c.hiddenSize, g = c.gateCount * H
        let A = c.effectiveAttentionSize, kind = c.cell.kind
        let widths = (0..<c.layers).map { $0 == 0 ? E : H }
            + [g, kind.keepsRecurrentApart ? g : 0, kind.cacheWidth(hidden: H), E + 2 * H, H, S, H, A, 2 * H]
        block?.deallocate()
        blockCount = widths.reduce(0) { $0 + N * $1 }
        let base = UnsafeMutablePointer<T>.allocate(capacity: max(blockCount, 1))
        base.initialize(repeating: 0, count: max(blockCount, 1))
        block = base
        var views: [UnsafeMutablePointer<T>] = []
        var at = base
        for w in widths { views.append(at); at += N * w }
        let L = c.layers
        inputs = Array(views[0..<L])
        gates = views[L]; recurrent = views[L + 1]; cache = views[L + 2]; stacked = views[L + 3]
        topOutput = views[L + 4]; alpha = views[L + 5]; context = views[L + 6]; projectedQuery = views[L + 7]
        cat = views[L + 8]
        rowCapacity = N
        memoryCapacity = S
    }
}

/// Search's decoder step over one state: the scratch's buffers, the
/// previous state's h, c and h̃, and the next state's, which the step writes.
struct SearchStepMemory<T: Real>: DecoderStepMemory {
    let model: Seq2Seq<T>
    let scratch: DecoderScratch<T>
    let previous: DecoderState<T>
    let next: DecoderState<T>
    let source: EncodedSource<T>
    let rowSentence: UnsafePointer<Int32>
    let memoryLengths: UnsafePointer<Int32>
    let keys: UnsafePointer<T>
    let memory: UnsafePointer<T>
    /// y_{t−1} per row (layer 0's table rows, when the packed decoder has one).
    let tokens: UnsafePointer<Int32>

    var rows: Int { previous.rows }
    private var config: ModelConfig { model.config }
    private var H: Int { config.hiddenSize }

    func input(layer k: Int) -> UnsafeMutablePointer<T> { scratch.inputs[k] }

    /// `LayerGates` in one of two forms: packed, one pass over [x; h̃; h]
    /// on the stacked [W; U] (x's part from the embedding table where layer
    /// 0 has one); else b + x·W + h̃·W_f + h·U, one product each.
    func formGates(layer k: Int) {
        let N = rows, E = config.embeddingSize, g = config.gateCount * H
        let weights = scratch.layers[k]
        let x = input(layer: k), width = k == 0 ? E : H
        let feeds = k == 0 && config.inputFeeding
        let apart = config.cell.kind.keepsRecurrentApart
        let gates = scratch.gates!, hPrev = UnsafePointer(previous.h(k))
        let packed = model.packedDecoder?.layers[k]
        if let packed {
            let a = scratch.stacked!
            if let table = packed.embedding {
                // emb(y_{t−1})·W_x + b from the table; the packed product takes the rest of the input.
                table.gather(tokens, count: N, into: UnsafeMutableRawPointer(gates).assumingMemoryBound(to: Float.self))
            }
            // One pass over the packed weights: [x (unless from the table); h̃ (input feeding); h (unless kept apart)].
            let own = packed.embedding == nil ? width : 0
            let total = own + (feeds ? H : 0) + (apart ? 0 : H)
            for r in 0..<N {
                var row = a + r * total
                if own > 0 { row.update(from: x + r * width, count: width); row += width }
                if feeds { row.update(from: previous.feed + r * H, count: H); row += H }
                if !apart { row.update(from: hPrev + r * H, count: H) }
            }
            // With the table the gates hold its rows; without, b comes in the product's store.
            packed.gates.multiply(into: gates, a, rows: N, accumulate: packed.embedding != nil,
                                  bias: packed.embedding == nil ? weights.b : nil)
        } else {
            LayerGates.addInput(into: gates, x, rows: N, weights: WeightProduct(weights.W, depth: width, columns: g),
                                bias: weights.b)
            if feeds {
                LayerGates.addInput(into: gates, previous.feed, rows: N,
                                    weights: WeightProduct(weights.W + E * g, depth: H, columns: g), bias: nil)
            }
        }
        if packed == nil || apart {
            LayerGates.addRecurrent(into: gates, recurrent: apart ? scratch.recurrent : nil, hPrev, rows: N,
                                    weights: WeightProduct(weights.U, depth: H, columns: g, packed: packed?.recurrent),
                                    recurrentBias: weights.bh)
        }
    }

    func cell(layer k: Int) -> CellStep<T> {
        let kind = config.cell.kind
        return CellStep(h: next.h(k), c: next.c(k), hPrev: previous.h(k), cPrev: previous.c(k), gates: scratch.gates,
                        recurrent: kind.keepsRecurrentApart ? UnsafePointer(scratch.recurrent) : nil,
                        cache: kind.cacheWidth(hidden: H) == 0 ? nil : scratch.cache, mask: nil, batch: rows,
                        hidden: H, threads: KernelThreads.current)
    }

    func dropInput(layer k: Int, rng: inout SplitMix64) {}

    var topOutput: UnsafeMutablePointer<T>? { config.residual && config.layers > 1 ? scratch.topOutput : nil }

    var attention: AttentionStep<T> {
        // Kinds without projected keys read the memory (dot) or nothing.
        AttentionStep(alpha: scratch.alpha, context: scratch.context, query: scratch.context, keys: keys, memory: memory,
                      lengths: memoryLengths, sourceRow: rowSentence, projectedQuery: scratch.projectedQuery,
                      batch: rows, srcLen: source.memoryLength, hidden: H,
                      attentionSize: config.effectiveAttentionSize, threads: KernelThreads.current)
    }

    var cat: UnsafeMutablePointer<T> { scratch.cat }
    var htilde: UnsafeMutablePointer<T> { next.feed }
    var packedWc: (any MatrixProduct)? { model.packedDecoder?.wc }
    var feed: UnsafeMutablePointer<T> { next.feed }
    func dropFeed(rng: inout SplitMix64) {}
}
