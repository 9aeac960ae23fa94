import ArgumentParser
import S2SCore
import S2SKernels
import S2SModel
import S2STraining

/// The options of the command line as a run's configuration: applied to
/// the defaults (a new run) or to a stored run (`--resume`, `--config`),
/// which they may repeat but not change.
extension Train {
    /// The sizes a preset stands for: (embedding, hidden, layers).
    static func sizes(_ preset: Preset) -> (Int, Int, Int) {
        switch preset {
        case .tiny: return (64, 64, 1)
        case .small: return (256, 256, 2)
        case .base: return (512, 512, 2)
        }
    }

    /// The model options given, over `m`. A flag that is not given leaves
    /// `m`'s value (false for a new run).
    func applyModelOptions(to m: inout ModelConfig) {
        if let preset { (m.embeddingSize, m.hiddenSize, m.layers) = Self.sizes(preset) }
        if let embeddingSize { m.embeddingSize = embeddingSize }
        if let hiddenSize { m.hiddenSize = hiddenSize }
        if let layers { m.layers = layers }
        if let cell { m.cell = ModelConfig.Cell(rawValue: cell)! }  // checked in validate()
        if bidirectional { m.bidirectional = true }
        if let attention { m.attention = ModelConfig.AttentionKind(rawValue: attention)! }
        if let inputFeeding { m.inputFeeding = inputFeeding }
        m.inputFeeding = m.inputFeeding && m.attention.attends
        if let dropout { m.dropout = dropout }
        if let labelSmoothing { m.labelSmoothing = labelSmoothing }
        if reverseSource { m.reverseSource = true }
        if residual { m.residual = true }
        if pyramid { m.pyramid = true }
        if tieTargetEmbeddings { m.tieTargetEmbeddings = true }
    }

    /// The training options given (those that shape the updates), over `t`.
    func applyTrainingOptions(to t: inout TrainingOptions) {
        if let seed { t.seed = seed }
        if let batchTokens { t.batchTokens = batchTokens }
        if let batchSize { t.batchSize = batchSize }
        if let shares { t.shares = shares }
        if let accumulate { t.accumulate = accumulate }
        if let learningRate { t.learningRate = learningRate }
        if let clip { t.clip = clip }
        if let teacherForcing { t.teacherForcing = TeacherForcingSchedule(argument: teacherForcing)! }
        if sampleOwnToken { t.sampleOwnToken = true }
        switch precision {
        case nil: break
        case "auto": t.precision = BFloat16Gemm.isAvailable ? .bfloat16 : .float32
        case let p?: t.precision = TrainingOptions.Precision(rawValue: p)!  // checked in validate()
        }
        if let optimizer { t.optimizer = TrainingOptions.Optimizer(rawValue: optimizer)! }
        if let warmupSteps { t.warmupSteps = warmupSteps }
        if let decayPatience { t.decayPatience = decayPatience }
        if let decayFactor { t.decayFactor = decayFactor }
        if let bestMetric { t.bestMetric = TrainingOptions.Metric(rawValue: bestMetric)! }
    }

    /// Stopping, validation and reporting options given now take effect,
    /// on a new run and on a resumed one alike (they leave the updates as
    /// they are: a resumed run still follows the uninterrupted trajectory).
    func applyRunControl(to t: inout TrainingOptions) {
        if let maxSteps { t.maxSteps = maxSteps }
        if let maxTime { t.maxSeconds = Self.seconds(maxTime)! }
        if let maxWallTime { t.maxWallSeconds = Self.seconds(maxWallTime)! }
        if let maxEpochs { t.maxEpochs = maxEpochs }
        if let earlyStop { t.earlyStopPatience = earlyStop }
        if let passTokens { t.passTokens = passTokens > 0 ? passTokens : nil }  // memory only: the same updates
        if let reportEvery { t.reportEvery = reportEvery }
        if let validEvery { t.validEvery = validEvery }
        if let saveEvery { t.saveEvery = saveEvery }
        if let keep { t.keepCheckpoints = keep }
        if let bleuSentences { t.bleuSentences = bleuSentences }
        if gradientFlow { t.gradientFlow = true }
    }

    /// The option that sets a training key of config.json.
    static func option(forKey key: String) -> String {
        switch key {
        case "max_seconds": return "--max-time"
        case "max_wall_seconds": return "--max-wall-time"
        case "early_stop_patience": return "--early-stop"
        case "keep_checkpoints": return "--keep"
        default: return "--" + key.replacingOccurrences(of: "_", with: "-")
        }
    }

    /// A training option out of range, in the command line's words.
    static func optionError(_ error: TrainingOptions.Invalid) -> ValidationError {
        ValidationError("\(option(forKey: error.key)) \(error.message(naming: option(forKey:))).")
    }

    /// The options given that differ from what `stored` (the run of
    /// --resume or the file of --config) sets, as "--hidden-size 32 (the run
    /// has 64)": a preset counts by the sizes it stands for, and an option
    /// that repeats the stored value is no change.
    func changes(to stored: ModelFolder.RunConfig, holder: String) -> [String] {
        var given = stored
        applyModelOptions(to: &given.model)
        applyTrainingOptions(to: &given.training)
        // The sizes a preset sets, unless given by their own option.
        let sizeOptions: [String: Int?] = ["embedding_size": embeddingSize, "hidden_size": hiddenSize, "layers": layers]
        var changes: [String] = []
        for (key, was, now) in Self.differences(Self.fields(stored.model), Self.fields(given.model)) {
            let option = "--" + key.replacingOccurrences(of: "_", with: "-")
            if let preset, let explicit = sizeOptions[key], explicit == nil {
                changes.append("--preset \(preset.rawValue) (\(option) \(now); \(holder) has \(was))")
            } else {
                changes.append("\(option) \(now) (\(holder) has \(was))")
            }
        }
        for (key, was, now) in Self.differences(Self.fields(Self.normalized(stored.training)),
                                                Self.fields(Self.normalized(given.training))) {
            changes.append("\(Self.option(forKey: key)) \(now) (\(holder) has \(was))")
        }
        return changes
    }

    /// Options whose absence and their default mean the same run.
    static func normalized(_ t: TrainingOptions) -> TrainingOptions {
        var t = t
        t.shares = t.shares ?? 1
        t.accumulate = t.accumulate ?? 1
        t.precision = t.precision ?? .float32
        return t
    }

    /// A value's stored properties as (config.json key, value as a user writes it).
    static func fields(_ value: Any) -> [(key: String, value: String)] {
        Mirror(reflecting: value).children.map { (StableJSON.snakeCase($0.label ?? ""), text($0.value)) }
    }

    static func differences(_ a: [(key: String, value: String)], _ b: [(key: String, value: String)])
        -> [(key: String, was: String, now: String)] {
        zip(a, b).filter { $0.value != $1.value }.map { ($0.key, $0.value, $1.value) }
    }

    static func text(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional { return mirror.children.first.map { text($0.value) } ?? "none" }
        switch value {
        case let d as Double: return NumberOptions.text(d)
        case let s as TeacherForcingSchedule: return s.description
        case let r as any RawRepresentable: return "\(r.rawValue)"
        default: return "\(value)"
        }
    }
}
