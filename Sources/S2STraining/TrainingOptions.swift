/// How a run trains (the model's shape is `ModelConfig`). Written with the
/// model configuration to `models/NAME/config.json`. `validate()` is the one
/// check of its values, wherever they come from (the command line, a
/// config.json, a resumed run's folder).
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var seed: UInt64 = 1
    /// Stop after this many updates (0: no limit).
    public var maxSteps: Int = 0
    /// Stop after this much training time, in seconds: the updates alone,
    /// not validation, checkpoints or start-up (0: no limit).
    public var maxSeconds: Double = 0
    /// Stop when the process has run this long, in seconds, everything
    /// included; the run stops early enough to write its checkpoint in time
    /// (nil or 0: no limit).
    public var maxWallSeconds: Double?
    /// Stop after this many passes over the training data (0: no limit).
    public var maxEpochs: Int = 0
    /// Padded source+target tokens per batch (0: use batchSize sentences).
    public var batchTokens: Int = 4096
    public var batchSize: Int = 64
    /// Split a batch into passes of at most about this many padded
    /// source+target tokens, adding up their gradients: the same update in
    /// bounded activation memory (nil or 0: one pass per batch).
    public var passTokens: Int?
    /// Cut each batch into this many shares of about equal tokens whose
    /// gradients add up: what the processes of `mpirun -np N` compute, one
    /// share each, when it equals N. Fixed at a run's start (nil: 1), so a
    /// run resumed on another number of processes follows the same
    /// trajectory (see UpdateWork).
    public var shares: Int?
    /// Add up the gradients of this many consecutive batches before an
    /// update (and its one allreduce); nil: 1.
    public var accumulate: Int?
    public enum Optimizer: String, Codable, Sendable, CaseIterable { case adam, sgd }
    public var optimizer: Optimizer = .adam
    public var learningRate: Double = 1e-3
    /// Linear warm-up of the learning rate over this many updates (0: none).
    public var warmupSteps: Int = 0
    /// Multiply the learning rate by this after `decayPatience` validations
    /// without improvement (decay on plateau; patience 0: never).
    public var decayFactor: Double = 0.5
    public var decayPatience: Int = 0
    /// Stop after this many validations without improvement (0: never).
    public var earlyStopPatience: Int = 0
    /// What "improvement" means for the best model, plateau decay and early
    /// stopping: lower validation loss, or higher greedy BLEU or chrF.
    public enum Metric: String, Codable, Sendable, CaseIterable { case loss, bleu, chrf }
    public var bestMetric: Metric = .loss
    /// Global-norm clipping threshold (0: off).
    public var clip: Double = 5
    public var teacherForcing: TeacherForcingSchedule = .constant(1)
    /// The model's own token: a sample of its softmax (true) or the argmax.
    public var sampleOwnToken: Bool = false
    /// Updates between log records, validations and checkpoints (0: never).
    public var reportEvery: Int = 50
    public var validEvery: Int = 500
    public var saveEvery: Int = 500
    /// Checkpoints kept besides the best model.
    public var keepCheckpoints: Int = 3
    /// Validation also decodes this many validation sentences greedily and
    /// scores them with BLEU and chrF (0: off).
    public var bleuSentences: Int = 200
    /// At each validation, record ‖∂L/∂h_t‖ of the encoder's first layer at
    /// every source position over the 32 longest validation sentences (train.jsonl,
    /// plots/gradient_flow.svg). Optional in config.json (nil: off).
    public var gradientFlow: Bool?
    /// The products' precision: bfloat16 inputs with float sums (master
    /// weights, gradients, Adam's moments, softmax, the cells and the loss
    /// stay float32), or float32 throughout. Optional in config.json (nil:
    /// float32, as runs before it trained); `s2s-train --precision auto`
    /// stores what it chose.
    public enum Precision: String, Codable, Sendable, CaseIterable { case float32, bfloat16 }
    public var precision: Precision?

    /// Stop after this many non-finite losses in a row.
    public var maxNonFinite: Int = 5

    public init() {}
}
