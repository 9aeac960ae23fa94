import S2SCore

/// The shape and options of a model: everything needed to lay out its
/// parameters and run it. Written as `config.json` in a model folder
/// (snake_case keys) and validated with messages that name the bad key.
public struct ModelConfig: Codable, Equatable, Sendable {
    /// The recurrent cell (`RecurrentCell`; `Cell.kind` maps each to its type).
    public enum Cell: String, Codable, CaseIterable, Sendable {
        case lstm, gru
        /// The Elman RNN, h' = tanh(x·W + h·U + b).
        case rnn
    }
    /// How the decoder scores encoder states (docs/DEVELOPING.md, Code layout).
    public enum AttentionKind: String, Codable, CaseIterable, Sendable {
        /// No attention: the decoder sees the source only through its initial
        /// state (Sutskever et al. 2014).
        case none
        case dot, general, concat
    }
    /// Decoder initial state: the encoder's final states, or zeros.
    public enum Bridge: String, Codable, CaseIterable, Sendable { case copy, zeros }

    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    public var embeddingSize: Int = 512
    public var hiddenSize: Int = 512
    public var layers: Int = 2
    public var cell: Cell = .lstm
    /// Bidirectional encoder: each direction has hiddenSize/2 units and their
    /// states are concatenated.
    public var bidirectional: Bool = false
    public var attention: AttentionKind = .general
    /// Size of the concat (Bahdanau) attention's hidden layer (0: hiddenSize).
    public var attentionSize: Int = 0
    /// Feed the previous attentional vector h̃_{t−1} into the decoder's first
    /// layer (Luong et al. 2015).
    public var inputFeeding: Bool = true
    public var bridge: Bridge = .copy
    public var dropout: Double = 0.2
    public var labelSmoothing: Double = 0
    /// Decoder input embedding and output projection share one matrix
    /// (needs embeddingSize == hiddenSize).
    public var tieTargetEmbeddings: Bool = false
    /// Feed the source reversed (Sutskever et al. 2014); `<EOS>` stays last.
    public var reverseSource: Bool = false
    /// Skip connections between stacked layers (the seeds' deep RNNs; GNMT,
    /// Wu et al. 2016): every layer above the first, in encoder and decoder,
    /// adds its input to its output.
    public var residual: Bool = false
    /// A pyramidal encoder (Chan et al. 2016, "Listen, Attend and Spell";
    /// the seeds' pyramid RNN): every encoder layer above the first reads the
    /// concatenation of adjacent pairs of the layer below's outputs, halving
    /// the time steps; attention runs over the reduced memory.
    public var pyramid: Bool = false

    public init(sourceVocabularySize: Int, targetVocabularySize: Int) {
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
    }

    enum CodingKeys: String, CodingKey {
        case sourceVocabularySize, targetVocabularySize, embeddingSize, hiddenSize, layers, cell, bidirectional,
             attention, attentionSize, inputFeeding, bridge, dropout, labelSmoothing, tieTargetEmbeddings,
             reverseSource, residual, pyramid
    }

    /// Every key of the first version is required (a missing one is named);
    /// keys added since default to the shape earlier versions had, so their
    /// config.json files and checkpoints still load. A value of the wrong
    /// kind is named with its key (`KeyedDecodingContainer.value`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sourceVocabularySize = try c.value(Int.self, .sourceVocabularySize)
        targetVocabularySize = try c.value(Int.self, .targetVocabularySize)
        embeddingSize = try c.value(Int.self, .embeddingSize)
        hiddenSize = try c.value(Int.self, .hiddenSize)
        layers = try c.value(Int.self, .layers)
        cell = try c.value(Cell.self, .cell)
        bidirectional = try c.value(Bool.self, .bidirectional)
        attention = try c.value(AttentionKind.self, .attention)
        attentionSize = try c.value(Int.self, .attentionSize)
        inputFeeding = try c.value(Bool.self, .inputFeeding)
        bridge = try c.value(Bridge.self, .bridge)
        dropout = try c.value(Double.self, .dropout)
        labelSmoothing = try c.value(Double.self, .labelSmoothing)
        tieTargetEmbeddings = try c.value(Bool.self, .tieTargetEmbeddings)
        reverseSource = try c.value(Bool.self, .reverseSource)
        residual = try c.valueIfPresent(Bool.self, .residual) ?? false
        pyramid = try c.valueIfPresent(Bool.self, .pyramid) ?? false
    }

    /// Width of encoder layer k's input: the embeddings, the layer below's
    /// output, or (pyramid) two of its outputs side by side.
    public func encoderInputWidth(layer k: Int) -> Int {
        k == 0 ? embeddingSize : pyramid ? 2 * hiddenSize : hiddenSize
    }

    /// Source positions that one position of the memory covers: 2^(L−1) in
    /// a pyramidal encoder, else 1.
    public var memoryCoverage: Int { pyramid ? 1 << (layers - 1) : 1 }

    /// Units per encoder direction.
    public var encoderDirectionSize: Int { bidirectional ? hiddenSize / 2 : hiddenSize }
    public var directions: Int { bidirectional ? 2 : 1 }
    public var effectiveAttentionSize: Int { attentionSize > 0 ? attentionSize : hiddenSize }
    public var gateCount: Int { cell.kind.gates }

    /// A configuration error: the key (as written in config.json) and what to do.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let key: String
        public let message: String
        public var description: String { "invalid model configuration: \(key): \(message)" }
    }

    /// Largest vocabulary, embedding, hidden or attention size accepted.
    public static let maximumSize = 1 << 20
    public static let maximumLayers = 64

    public func validate() throws(Invalid) {
        func check(_ ok: Bool, _ key: String, _ message: String) throws(Invalid) {
            if !ok { throw Invalid(key: key, message: message) }
        }
        try check(sourceVocabularySize > 4, "source_vocabulary_size", "must exceed the 4 special tokens, is \(sourceVocabularySize)")
        try check(targetVocabularySize > 4, "target_vocabulary_size", "must exceed the 4 special tokens, is \(targetVocabularySize)")
        try check(embeddingSize > 0, "embedding_size", "must be positive, is \(embeddingSize)")
        try check(hiddenSize > 0, "hidden_size", "must be positive, is \(hiddenSize)")
        try check(layers >= 1, "layers", "must be at least 1, is \(layers)")
        // Upper bounds far beyond any model a machine can hold, so that the
        // parameter layout's Int arithmetic cannot overflow; whether a
        // configuration fits in memory is `MemoryEstimate`'s question.
        for (key, value) in [("source_vocabulary_size", sourceVocabularySize), ("target_vocabulary_size", targetVocabularySize),
                             ("embedding_size", embeddingSize), ("hidden_size", hiddenSize), ("attention_size", attentionSize)] {
            try check(value <= Self.maximumSize, key, "must be at most \(Self.maximumSize), is \(value)")
        }
        try check(layers <= Self.maximumLayers, "layers", "must be at most \(Self.maximumLayers), is \(layers)")
        try check(!bidirectional || hiddenSize % 2 == 0, "hidden_size",
                  "must be even with a bidirectional encoder (each direction gets half), is \(hiddenSize)")
        try check(attentionSize >= 0, "attention_size", "must be 0 (= hidden_size) or positive")
        try check(!residual || layers >= 2, "residual",
                  "connects stacked layers and needs layers ≥ 2, has \(layers)")
        try check(!pyramid || layers >= 2, "pyramid", "halves the time steps between layers and needs layers ≥ 2, has \(layers)")
        try check(!(pyramid && residual), "residual",
                  "cannot be combined with pyramid (a pyramid layer's input is twice as wide as its output)")
        try check(!(inputFeeding && !attention.kind.attends), "input_feeding",
                  "needs attention (there is no attentional vector to feed with attention none); set it to false")
        try check(!(!attention.kind.attends && bridge == .zeros), "bridge",
                  "zeros with attention none leaves the decoder blind to the source; use copy, or an attention")
        try check(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1), is \(dropout)")
        try check(labelSmoothing >= 0 && labelSmoothing < 1, "label_smoothing", "must be in [0, 1), is \(labelSmoothing)")
        try check(!tieTargetEmbeddings || embeddingSize == hiddenSize, "tie_target_embeddings",
                  "needs embedding_size == hidden_size (\(embeddingSize) vs \(hiddenSize))")
    }
}
