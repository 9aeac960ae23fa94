/// Every parameter tensor of a model, in one flat buffer: names (which are
/// the safetensors tensor names), shapes and offsets. The optimizer, clipping
/// and checkpoints see the one buffer; layers find their views by name.
public struct ParameterLayout: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public private(set) var entries: [Entry] = []
    public private(set) var count = 0
    private var index: [String: Int] = [:]

    public init() {}

    public mutating func add(_ name: String, _ shape: [Int]) {
        precondition(index[name] == nil, "parameter \(name) added twice")
        let start = (count + 15) & ~15  // 64-byte aligned views
        index[name] = entries.count
        entries.append(Entry(name: name, shape: shape, offset: start))
        count = start + shape.reduce(1, *)
    }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    public func offset(_ name: String) -> Int {
        guard let e = entry(name) else { preconditionFailure("no parameter named \(name)") }
        return e.offset
    }

    /// The layout of a model with this configuration. Weights are stored
    /// (in, out) so that x·W needs no transpose.
    ///
    ///     encoder.embedding                 (V_src, E)
    ///     encoder.l{k}.{fwd,bwd}.W          (in, G·Hd)   G = 4 (LSTM) or 3 (GRU)
    ///     encoder.l{k}.{fwd,bwd}.U          (Hd, G·Hd)
    ///     encoder.l{k}.{fwd,bwd}.b          (G·Hd)       LSTM: one bias; GRU: input-side bias
    ///     encoder.l{k}.{fwd,bwd}.b_h        (G·Hd)       GRU only: recurrent-side bias
    ///     decoder.embedding                 (V_tgt, E)
    ///     decoder.l{k}.W / U / b (/ b_h)    layer 0 input: E (+ H with input feeding)
    ///     attention.W_a                     (H, H)       general
    ///     attention.W_1 (H, A), W_2 (H, A), v (A)        concat
    ///     attention.W_c                     (2H, H)      all but none
    ///     output.W (H, V_tgt), output.b (V_tgt)          output.W absent when tied
    public init(config c: ModelConfig) {
        let E = c.embeddingSize, H = c.hiddenSize, Hd = c.encoderDirectionSize, G = c.gateCount
        add("encoder.embedding", [c.sourceVocabularySize, E])
        for k in 0..<c.layers {
            let input = c.encoderInputWidth(layer: k)
            for d in c.bidirectional ? ["fwd", "bwd"] : ["fwd"] {
                let p = "encoder.l\(k).\(d)"
                add("\(p).W", [input, G * Hd])
                add("\(p).U", [Hd, G * Hd])
                add("\(p).b", [G * Hd])
                if c.cell.kind.keepsRecurrentApart { add("\(p).b_h", [G * Hd]) }
            }
        }
        add("decoder.embedding", [c.targetVocabularySize, E])
        for k in 0..<c.layers {
            let input = k == 0 ? E + (c.inputFeeding ? H : 0) : H
            let p = "decoder.l\(k)"
            add("\(p).W", [input, G * H])
            add("\(p).U", [H, G * H])
            add("\(p).b", [G * H])
            if c.cell.kind.keepsRecurrentApart { add("\(p).b_h", [G * H]) }
        }
        let attention = c.attention.kind
        attention.addParameters(to: &self, hidden: H, attentionSize: c.effectiveAttentionSize)
        if attention.attends { add("attention.W_c", [2 * H, H]) }
        if !c.tieTargetEmbeddings { add("output.W", [H, c.targetVocabularySize]) }
        add("output.b", [c.targetVocabularySize])
    }
}
