import ArgumentParser
import S2S

/// s2s-train's model shape (config.json's `model`). Nil or false when not
/// given: a resumed run or a configuration file keeps its own value.
public struct ModelShapeOptions: ParsableArguments {
    @Option(help: "Model shape: tiny (1×64), small (2×256, the default) or base (2×512, the reference shape).")
    public var preset: Training.Preset?
    @Option(parsing: .unconditional, help: "Embedding size (default: the preset's).") public var embeddingSize: Int?
    @Option(parsing: .unconditional, help: "Hidden size (default: the preset's).") public var hiddenSize: Int?
    @Option(parsing: .unconditional, help: "Layers in encoder and decoder (default: the preset's).") public var layers: Int?
    @Option(help: "Recurrent cell: lstm (default), gru, or rnn (the Elman RNN, h' = tanh(x·W + h·U + b)).",
            transform: OptionValue.parse())
    public var cell: Training.Cell?
    @Flag(help: "Bidirectional encoder (each direction gets half the hidden size).") public var bidirectional = false
    @Option(help: "Attention: none, dot, general (default) or concat.", transform: OptionValue.parse())
    public var attention: Training.Attention?
    @Flag(inversion: .prefixedNo, help: "Feed the previous attentional vector to the decoder (default: on).") public var inputFeeding: Bool?
    @Option(parsing: .unconditional, help: "Dropout between layers, on embeddings and on the attentional vector (default: 0.2).") public var dropout: Double?
    @Option(parsing: .unconditional, help: "Label smoothing ε (default: 0).") public var labelSmoothing: Double?
    @Flag(help: "Reverse the source sentence (Sutskever et al. 2014).") public var reverseSource = false
    @Flag(help: "Skip connections: every layer above the first, in encoder and decoder, adds its input to its output (GNMT; needs --layers ≥ 2).")
    public var residual = false
    @Flag(help: "A pyramidal encoder (Listen, Attend and Spell): every encoder layer above the first reads adjacent pairs of the layer below's outputs, halving the time steps; attention runs over the reduced memory (needs --layers ≥ 2).")
    public var pyramid = false
    @Flag(help: "Share the decoder's input embeddings with its output projection (needs --embedding-size = --hidden-size).")
    public var tieTargetEmbeddings = false

    public init() {}

    public func validate() throws {
        if let message = S2SCommand.numberProblem(finite: [("--dropout", dropout), ("--label-smoothing", labelSmoothing)]) {
            throw ValidationError(message)
        }
        for (name, value) in [("--embedding-size", embeddingSize), ("--hidden-size", hiddenSize), ("--layers", layers)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, not \(value).") }
        }
    }

    public func apply(to o: inout Training.Options) {
        o.preset = preset
        o.embeddingSize = embeddingSize
        o.hiddenSize = hiddenSize
        o.layers = layers
        o.cell = cell
        o.bidirectional = bidirectional
        o.attention = attention
        o.inputFeeding = inputFeeding
        o.dropout = dropout
        o.labelSmoothing = labelSmoothing
        o.reverseSource = reverseSource
        o.residual = residual
        o.pyramid = pyramid
        o.tieTargetEmbeddings = tieTargetEmbeddings
    }
}

extension Training.Preset: ExpressibleByArgument {}
