internal import S2STraining

/// What a running ``Training`` tells its caller, and what it returns.
extension Training {
    /// An event of a run (``Training/run(events:)``), on the calling thread.
    public enum Event: Sendable, Hashable {
        /// The first event: this process's rank in the job and the number
        /// of processes (0 of 1 unless mpirun started the run). Rank 0
        /// alone validates, writes the model folder and tells messages.
        case started(rank: Int, processes: Int)
        /// A line as `s2s-train` prints it after its `s2s-train: ` prefix:
        /// the model's size, validations, warnings, resumption.
        case message(String)
        /// Every ``Options-swift.struct/reportEvery`` updates: train.jsonl's
        /// `train` record.
        case report(Report)
        /// Every ``Options-swift.struct/validEvery`` updates and at the end:
        /// train.jsonl's `valid` record.
        case validation(Validation)
    }

    /// The updates since the last report (train.jsonl's `train` record).
    public struct Report: Sendable, Hashable {
        /// The updates done.
        public var step: Int
        /// The epoch, from 1.
        public var epoch: Int
        /// The mean per-token cross-entropy (nats) over the updates since the last report.
        public var loss: Double
        /// exp(loss).
        public var perplexity: Double
        /// Source and target tokens a second.
        public var tokensPerSecond: Double
        /// The learning rate of the last update.
        public var learningRate: Double
        /// The probability of feeding the gold previous token at the last update.
        public var teacherForcing: Double
        /// The global gradient norm of the last update, before clipping.
        public var gradientNorm: Double
        /// Seconds of updates so far (validation and checkpoints not counted).
        public var elapsedSeconds: Double
    }

    /// A validation (train.jsonl's `valid` record).
    public struct Validation: Sendable, Hashable {
        /// The updates done.
        public var step: Int
        /// The per-token cross-entropy on the validation pairs (teacher forcing, no dropout).
        public var loss: Double
        /// exp(loss).
        public var perplexity: Double
        /// The share of target tokens predicted right.
        public var accuracy: Double
        /// BLEU and chrF of greedy translations of the first validation
        /// sentences (nil with ``Options-swift.struct/bleuSentences`` 0).
        public var bleu: Double?
        /// chrF of the same translations (nil with BLEU's nil).
        public var chrF: Double?
    }

    /// How a run ended.
    public struct Summary: Sendable, Hashable {
        /// This process's rank (0 of 1 unless mpirun started the run); the
        /// other fields are rank 0's.
        public var rank: Int
        /// The updates done, from the run's start (a resumed run counts
        /// the updates before it).
        public var steps: Int
        /// The step of the checkpoint the run resumed from (nil: a new run).
        public var resumedFrom: Int?
        /// The run stopped because it was asked to (``Training/cancel()``,
        /// its task's cancellation, or a signal): it finished its update
        /// and wrote a checkpoint; resume it to go on.
        public var cancelled: Bool
        /// The loss of the last update (NaN before the first).
        public var lastLoss: Double
        /// The model the folder holds: the best by validation
        /// (model.safetensors), for ``Translator``.
        public var modelFile: String
    }
}

extension Training {
    /// A train.jsonl record as the trainer writes it, as an event (the
    /// gradient-flow record is the plots' alone).
    static func event(_ record: TrainingRecord) -> Event? {
        switch record {
        case .train(let r):
            return .report(Report(step: r.step, epoch: r.epoch, loss: r.loss, perplexity: r.perplexity,
                                  tokensPerSecond: r.tokensPerSecond, learningRate: r.learningRate,
                                  teacherForcing: r.teacherForcing, gradientNorm: r.gradientNorm,
                                  elapsedSeconds: r.elapsedSeconds))
        case .valid(let v):
            return .validation(Validation(step: v.step, loss: v.loss, perplexity: v.perplexity, accuracy: v.accuracy,
                                          bleu: v.bleu, chrF: v.chrF))
        case .gradientFlow:
            return nil
        }
    }
}
