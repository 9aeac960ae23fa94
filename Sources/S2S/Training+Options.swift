internal import S2SKernels
internal import S2STraining

extension Training {
    /// The options of a run, as `s2s-train` takes them. Each `nil` (and
    /// each `false` flag) is an option not given: a new run takes the
    /// default, and a run that continues (``Start/resume(newData:)``) or
    /// repeats a configuration file (``Start/configuration(file:)``) keeps
    /// the stored value. Those runs may give stopping, validation,
    /// reporting, ``passTokens`` and ``threads`` anew; any other option may
    /// repeat the stored value but not change it.
    public struct Options: Sendable, Hashable {
        // MARK: Model shape (config.json's `model`)

        /// Sizes together: ``Preset/small`` unless given.
        public var preset: Preset?
        /// E, the embedding size (default: the preset's).
        public var embeddingSize: Int?
        /// H, the hidden size (default: the preset's).
        public var hiddenSize: Int?
        /// L, the layers in the encoder and in the decoder (default: the preset's).
        public var layers: Int?
        /// The recurrent cell (default: LSTM).
        public var cell: Cell?
        /// A bidirectional encoder, each direction H/2.
        public var bidirectional = false
        /// The attention over the encoder's states (default: general).
        public var attention: Attention?
        /// Feed the previous attentional vector to the decoder (default: on).
        public var inputFeeding: Bool?
        /// Dropout between layers, on embeddings and on the attentional vector (default: 0.2).
        public var dropout: Double?
        /// Label smoothing ε (default: 0).
        public var labelSmoothing: Double?
        /// Reverse the source sentence (Sutskever et al. 2014).
        public var reverseSource = false
        /// Every layer above the first adds its input to its output (GNMT; needs 2 layers or more).
        public var residual = false
        /// A pyramidal encoder: every layer above the first reads adjacent
        /// pairs of the layer below's outputs (needs 2 layers or more).
        public var pyramid = false
        /// The decoder's input embeddings are its output projection (needs E = H).
        public var tieTargetEmbeddings = false

        // MARK: Optimisation (config.json's `training`)

        /// The seed of every random choice (default: 1).
        public var seed: UInt64?
        /// Padded source+target tokens a batch (0: ``batchSize`` sentences; default: 4096).
        public var batchTokens: Int?
        /// Sentences a batch when ``batchTokens`` is 0 (default: 64).
        public var batchSize: Int?
        /// Run a batch of more padded tokens than this in passes whose
        /// gradients add up: the same updates in less memory (0 or nil: one pass).
        public var passTokens: Int?
        /// Shares a batch is cut into, whose gradients add up (default: the
        /// processes mpirun started, else 1); fixed at the run's start.
        public var shares: Int?
        /// Batches whose gradients add up before each update (default: 1).
        public var accumulate: Int?
        /// The optimizer (default: Adam).
        public var optimizer: Optimizer?
        /// The learning rate (default: 0.001).
        public var learningRate: Double?
        /// Updates over which the learning rate warms up linearly (default 0: off).
        public var warmupSteps: Int?
        /// The global gradient norm clipped to (0: off; default: 5).
        public var clip: Double?
        /// The probability of feeding the gold previous token (default: 1,
        /// teacher forcing), or a schedule of scheduled sampling.
        public var teacherForcing: TeacherForcing?
        /// When not feeding gold, feed a sample of the model's softmax rather than its argmax.
        public var sampleOwnToken = false
        /// The products' precision: ``Precision/float32``, ``Precision/bfloat16``
        /// (inputs rounded to bfloat16; sums, weights, gradients and Adam in
        /// float32) or ``Precision/auto`` (bfloat16 where the CPU has it; the
        /// default). ``Precision/int8`` decodes only. config.json records
        /// the precision chosen.
        public var precision: Precision?

        // MARK: Schedule and stopping

        /// Stop after this many updates (0: no limit, the default).
        public var maxSteps: Int?
        /// Stop after this many seconds of updates (validation, checkpoints
        /// and start-up not counted; 0: no limit, the default).
        public var maxSeconds: Double?
        /// Stop when the process has run this many seconds, everything
        /// counted, early enough to write the checkpoint in time (0: no
        /// limit, the default); counted from ``Training/noteProcessStart()``.
        public var maxWallSeconds: Double?
        /// Stop after this many epochs (0: no limit, the default).
        public var maxEpochs: Int?
        /// Multiply the learning rate by ``decayFactor`` after this many
        /// validations without improvement (0: off, the default).
        public var decayPatience: Int?
        /// The learning rate's factor on a plateau (default: 0.5).
        public var decayFactor: Double?
        /// Stop after this many validations without improvement (0: off, the default).
        public var earlyStopPatience: Int?

        // MARK: Validation

        /// Updates between validations (0: only at the end; default: 500).
        public var validEvery: Int?
        /// Validation sentences translated greedily for BLEU and chrF (0: none; default: 200).
        public var bleuSentences: Int?
        /// What improvement means for the best model, the plateau decay and
        /// early stopping (default: the loss).
        public var bestMetric: Metric?
        /// At each validation, record the loss's gradient norm at every
        /// source position in train.jsonl and draw plots/gradient_flow.svg.
        public var gradientFlow = false

        // MARK: Output and reporting

        /// Updates between progress reports (default: 50).
        public var reportEvery: Int?
        /// Updates between checkpoints (default: 500).
        public var saveEvery: Int?
        /// Checkpoints kept besides the best model (default: 3).
        public var keepCheckpoints: Int?
        /// Draw `s2s-train`'s status line on standard error where it is a
        /// terminal; without it (and off a terminal) every report is also a
        /// ``Event/message(_:)``.
        public var statusLine = false

        // MARK: Run control

        /// Threads for matrix work (default: all cores, shared among the
        /// ranks mpirun started on this host).
        public var threads: Int?

        /// No option given: a new run of the defaults, or the stored run as it is.
        public init() {}
    }

    /// Model sizes together: (E, H, L).
    public enum Preset: String, CaseIterable, Sendable {
        /// 64, 64, 1 layer.
        case tiny
        /// 256, 256, 2 layers.
        case small
        /// 512, 512, 2 layers: the reference shape.
        case base

        var sizes: (Int, Int, Int) {
            switch self {
            case .tiny: (64, 64, 1)
            case .small: (256, 256, 2)
            case .base: (512, 512, 2)
            }
        }
    }

    /// The recurrent cell of the encoder and the decoder.
    public enum Cell: String, CaseIterable, Sendable {
        /// Long short-term memory: gates i, f, g, o.
        case lstm
        /// Gated recurrent unit.
        case gru
        /// The Elman RNN, h' = tanh(x·W + h·U + b).
        case rnn
    }

    /// How the decoder attends to the encoder's states.
    public enum Attention: String, CaseIterable, Sendable {
        /// None: the encoder's final state is the only context (Sutskever).
        case none
        /// h_t · s_j (Luong).
        case dot
        /// h_t · W_a · s_j (Luong).
        case general
        /// vᵀ tanh(W_1 h_t + W_2 s_j) (Bahdanau).
        case concat
    }

    /// The optimizer.
    public enum Optimizer: String, CaseIterable, Sendable {
        /// Adam (Kingma and Ba 2015), β = (0.9, 0.999).
        case adam
        /// Plain stochastic gradient descent.
        case sgd
    }

    /// What a better validation is.
    public enum Metric: String, CaseIterable, Sendable {
        /// A lower validation loss.
        case loss
        /// A higher BLEU of greedy translations.
        case bleu
        /// A higher chrF of greedy translations.
        case chrf
    }

    /// The probability of feeding the gold previous token at each update
    /// (scheduled sampling, Bengio et al. 2015), as written on s2s-train's
    /// command line: a constant (`1` is teacher forcing), `linear:K:SLOPE:MIN`,
    /// `exponential:K` or `inverse-sigmoid:K`.
    public struct TeacherForcing: Sendable, Hashable, CustomStringConvertible {
        /// The schedule as written, e.g. `inverse-sigmoid:50`.
        public let description: String

        /// nil when `argument` is none of ``forms``.
        public init?(_ argument: String) {
            guard TeacherForcingSchedule(argument: argument) != nil else { return nil }
            description = argument
        }

        /// The forms accepted, in words.
        public static var forms: String { TeacherForcingSchedule.validForms }

        var schedule: TeacherForcingSchedule { TeacherForcingSchedule(argument: description)! }
    }
}
