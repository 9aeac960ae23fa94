import ArgumentParser
import S2S

/// s2s-train's optimisation: the seed, the batches, the optimizer and its
/// learning rate, clipping, teacher forcing and the products' precision
/// (config.json's `training`). Nil or false when not given.
public struct OptimizationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Seed of every random choice (initialisation, batches, dropout, sampling; default: 1).") public var seed: UInt64?
    @Option(parsing: .unconditional, help: "Padded source+target tokens per batch (0: use --batch-size; default: 4096).") public var batchTokens: Int?
    @Option(parsing: .unconditional, help: "Sentences per batch when --batch-tokens is 0 (default: 64).") public var batchSize: Int?
    @Option(parsing: .unconditional, help: "Run a batch of more padded source+target tokens than this in several passes that add up their gradients: the same update in less memory (default 0: one pass).")
    public var passTokens: Int?
    @Option(parsing: .unconditional, help: "Cut each batch into this many shares whose gradients add up (default: the number of processes mpirun started, else 1). Fixed at the run's start, so a run resumed on another number of processes follows the same trajectory.")
    public var shares: Int?
    @Option(parsing: .unconditional, help: "Add up the gradients of this many batches before each update, and send them between processes once (default: 1).")
    public var accumulate: Int?
    @Option(help: "Optimizer: adam (default) or sgd.",
            transform: OptionValue.parse())
    public var optimizer: Training.Optimizer?
    @Option(parsing: .unconditional, help: "Learning rate (default: 0.001).") public var learningRate: Double?
    @Option(parsing: .unconditional, help: "Warm the learning rate up linearly over this many updates (default 0: off).") public var warmupSteps: Int?
    @Option(parsing: .unconditional, help: "Clip gradients to this global norm (0: off; default: 5).") public var clip: Double?
    @Option(help: """
        Probability of feeding the gold previous token: a constant (1.0 = teacher forcing, the default), \
        linear:K:SLOPE:MIN, exponential:K or inverse-sigmoid:K (scheduled sampling).
        """, transform: OptionValue.parse(forms: Training.TeacherForcing.forms, Training.TeacherForcing.init))
    public var teacherForcing: Training.TeacherForcing?
    @Flag(help: "Feed a sample of the model's softmax rather than its argmax when not feeding gold.")
    public var sampleOwnToken = false
    @Option(help: ArgumentHelp("The products' precision: float32, bfloat16 (inputs rounded to bfloat16, sums, weights, gradients and Adam in float32; needs AVX512_BF16; on AMX tiles where the CPU has them, unless S2S_NO_AMX=1) or auto (bfloat16 where the CPU has it; the default). config.json records the choice.", valueName: "P"),
            transform: OptionValue.parse(Precision.allCases.filter(\.trains)))
    public var precision: Precision?

    public init() {}

    public func validate() throws {
        if precision == .bfloat16 && !Precision.bfloat16.isAvailable {
            throw ValidationError("--precision bfloat16 needs a CPU with AVX512_BF16, which this one lacks; use float32 or auto.")
        }
    }

    public func apply(to o: inout Training.Options) {
        o.seed = seed
        o.batchTokens = batchTokens
        o.batchSize = batchSize
        o.passTokens = passTokens
        o.shares = shares
        o.accumulate = accumulate
        o.optimizer = optimizer
        o.learningRate = learningRate
        o.warmupSteps = warmupSteps
        o.clip = clip
        o.teacherForcing = teacherForcing
        o.sampleOwnToken = sampleOwnToken
        o.precision = precision
    }
}
