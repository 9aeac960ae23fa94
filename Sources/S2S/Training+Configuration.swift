internal import Foundation
internal import S2SCore
package import S2SModel
internal import S2SText
internal import S2STraining

/// The options as a run's configuration: applied to the defaults (a new
/// run) or to a stored run (resume, a configuration file), which they may
/// repeat but not change. Messages name s2s-train's options.
extension Training.Options {
    /// The model options given, over `m`. A flag that is not given leaves
    /// `m`'s value (false for a new run). Package-wide: s2s-bench shapes
    /// the model it times with s2s-train's options.
    package func applyModelOptions(to m: inout ModelConfig) {
        if let preset { (m.embeddingSize, m.hiddenSize, m.layers) = preset.sizes }
        if let embeddingSize { m.embeddingSize = embeddingSize }
        if let hiddenSize { m.hiddenSize = hiddenSize }
        if let layers { m.layers = layers }
        if let cell { m.cell = ModelConfig.Cell(rawValue: cell.rawValue)! }
        if bidirectional { m.bidirectional = true }
        if let attention { m.attention = ModelConfig.AttentionKind(rawValue: attention.rawValue)! }
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
        if let teacherForcing { t.teacherForcing = teacherForcing.schedule }
        if sampleOwnToken { t.sampleOwnToken = true }
        if let precision, let chosen = precision.training { t.precision = chosen }  // int8: refused in run
        if let optimizer { t.optimizer = TrainingOptions.Optimizer(rawValue: optimizer.rawValue)! }
        if let warmupSteps { t.warmupSteps = warmupSteps }
        if let decayPatience { t.decayPatience = decayPatience }
        if let decayFactor { t.decayFactor = decayFactor }
        if let bestMetric { t.bestMetric = TrainingOptions.Metric(rawValue: bestMetric.rawValue)! }
    }

    /// Stopping, validation and reporting options given now take effect,
    /// on a new run and on a resumed one alike (they leave the updates as
    /// they are: a resumed run still follows the uninterrupted trajectory).
    func applyRunControl(to t: inout TrainingOptions) {
        if let maxSteps { t.maxSteps = maxSteps }
        if let maxSeconds { t.maxSeconds = maxSeconds }
        if let maxWallSeconds { t.maxWallSeconds = maxWallSeconds }
        if let maxEpochs { t.maxEpochs = maxEpochs }
        if let earlyStopPatience { t.earlyStopPatience = earlyStopPatience }
        if let passTokens { t.passTokens = passTokens > 0 ? passTokens : nil }  // memory only: the same updates
        if let reportEvery { t.reportEvery = reportEvery }
        if let validEvery { t.validEvery = validEvery }
        if let saveEvery { t.saveEvery = saveEvery }
        if let keepCheckpoints { t.keepCheckpoints = keepCheckpoints }
        if let bleuSentences { t.bleuSentences = bleuSentences }
        if gradientFlow { t.gradientFlow = true }
    }

    /// A new run's training options: the defaults, with those given.
    func newTrainingOptions() -> TrainingOptions {
        var t = TrainingOptions()
        t.precision = Precision.auto.training
        applyTrainingOptions(to: &t)
        applyRunControl(to: &t)
        return t
    }

    /// Refuses, before anything is read, training options out of range for
    /// a new run (a stored run's are checked with the values given over
    /// them when it starts).
    /// - Throws: ``S2SError/options(problem:hint:)`` naming the option.
    public func validateForNewRun() throws(S2SError) {
        do throws(TrainingOptions.Invalid) {
            try newTrainingOptions().validate()
        } catch {
            throw Training.optionError(error)
        }
    }

    /// The options given that differ from what `stored` (the run resumed
    /// or the configuration file) sets, as "--hidden-size 32 (the run has
    /// 64)": a preset counts by the sizes it stands for, and an option that
    /// repeats the stored value is no change.
    func changes(to stored: ModelFolder.RunConfig, holder: String) -> [String] {
        var given = stored
        applyModelOptions(to: &given.model)
        applyTrainingOptions(to: &given.training)
        // The sizes a preset sets, unless given by their own option.
        let sizeOptions: [String: Int?] = ["embedding_size": embeddingSize, "hidden_size": hiddenSize, "layers": layers]
        var changes: [String] = []
        for (key, was, now) in Training.differences(Training.fields(stored.model), Training.fields(given.model)) {
            let option = "--" + key.replacingOccurrences(of: "_", with: "-")
            if let preset, let explicit = sizeOptions[key], explicit == nil {
                changes.append("--preset \(preset.rawValue) (\(option) \(now); \(holder) has \(was))")
            } else {
                changes.append("\(option) \(now) (\(holder) has \(was))")
            }
        }
        for (key, was, now) in Training.differences(Training.fields(Training.normalized(stored.training)),
                                                    Training.fields(Training.normalized(given.training))) {
            changes.append("\(Training.option(forKey: key)) \(now) (\(holder) has \(was))")
        }
        return changes
    }
}

extension Training {
    /// The run rank 0 trains: the stored one (resume), a configuration
    /// file's, or the options', with the run control given now.
    func rootConfig(folder: ModelFolder, srcVocab: Vocabulary, tgtVocab: Vocabulary, train: TokenShard, processes: Int) throws
        -> ModelFolder.RunConfig {
        var run: ModelFolder.RunConfig
        var storedIn: String?
        switch start {
        case .resume(let newData):
            storedIn = folder.configPath
            if folder.holdsARunWithoutCheckpoint {
                throw S2SError.options(problem: """
                    \(model) holds a run that never wrote a checkpoint (it stopped before its first): there is nothing \
                    to resume. Start it afresh with the same command without --resume (a new run replaces such a run; \
                    --config \(model)/config.json repeats its settings).
                    """, hint: "")
            }
            run = try folder.readConfig()
            try folder.checkSameVocabulary(as: vocabulary)
            try refuseChanges(to: run, holder: "the run")
            if newData { run.data = data }
        case .new, .configuration:
            if let existing = folder.existingRunFiles().first, !folder.holdsARunWithoutCheckpoint {
                throw S2SError.options(problem: "\(model) already holds a model (\(existing)). Continue it with --resume, or choose another --model.",
                                       hint: "")
            }
            if case .configuration(let file) = start {
                storedIn = file
                run = try Self.readConfig(file, sourceVocabularySize: srcVocab.count, targetVocabularySize: tgtVocab.count)
                try refuseChanges(to: run, holder: "the file")
            } else {
                run = try makeConfig(sourceVocabularySize: srcVocab.count, targetVocabularySize: tgtVocab.count)
            }
            run.data = data
            run.vocab = vocabulary
            if run.training.shares == nil && processes > 1 { run.training.shares = processes }
        }
        let stored = run.training
        options.applyRunControl(to: &run.training)
        do throws(TrainingOptions.Invalid) {
            try run.training.validate(for: train, reverseSource: run.model.reverseSource)
        } catch {
            // A value the options left as the file has it is the file's.
            let value = { (t: TrainingOptions) in Self.fields(t).first { $0.key == error.key }?.value }
            if let storedIn, value(stored) == value(run.training) {
                throw InputError(file: storedIn, problem: error.description, hint: ModelFolder.fixHint)
            }
            throw Self.optionError(error)
        }
        return run
    }

    /// Refuses options that would change the stored run (`changes(to:holder:)`).
    func refuseChanges(to stored: ModelFolder.RunConfig, holder: String) throws {
        let changes = options.changes(to: stored, holder: holder)
        guard !changes.isEmpty else { return }
        let resume = if case .resume = start { true } else { false }
        let configFile = if case .configuration(let file) = start { file } else { "" }
        let source = resume ? "--resume continues the run as \(model)/config.json sets it"
                            : "--config takes the model and its training from \(configFile)"
        throw S2SError.options(problem: """
            \(source); \(changes.joined(separator: ", ")) would change the model or its training. \
            Drop \(changes.count == 1 ? "it" : "them")\(resume ? ", or start a new --model folder (--config \(model)/config.json copies the run's settings; edit a copy to change them)" : ", or edit a copy of the config file").
            """, hint: "")
    }

    func makeConfig(sourceVocabularySize: Int, targetVocabularySize: Int) throws -> ModelFolder.RunConfig {
        var m = ModelConfig(sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize)
        (m.embeddingSize, m.hiddenSize, m.layers) = Preset.small.sizes
        options.applyModelOptions(to: &m)
        do {
            try m.validate()
        } catch {
            throw S2SError.options(problem: "\(error.message) (option --\(error.key.replacingOccurrences(of: "_", with: "-")))", hint: "")
        }
        return ModelFolder.RunConfig(model: m, training: options.newTrainingOptions(), data: data, vocab: vocabulary)
    }

    /// A config.json of an earlier run, checked against these vocabularies.
    static func readConfig(_ path: String, sourceVocabularySize: Int, targetVocabularySize: Int) throws
        -> ModelFolder.RunConfig {
        let run = try ModelFolder.readConfig(at: path)
        guard run.model.sourceVocabularySize == sourceVocabularySize,
              run.model.targetVocabularySize == targetVocabularySize else {
            throw InputError(file: path,
                             problem: "model.source_vocabulary_size/target_vocabulary_size are \(run.model.sourceVocabularySize)/\(run.model.targetVocabularySize) but --vocab holds \(sourceVocabularySize)/\(targetVocabularySize) tokens",
                             hint: "Set them to the sizes of the vocabulary you train with")
        }
        do {
            try run.model.validate()
        } catch {
            throw InputError(file: path, problem: "model.\(error.key): \(error.message)")
        }
        return run
    }

    static func vocabulary(_ path: String) throws -> Vocabulary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, problem: "no such file", hint: "Give --vocab the folder s2s-prep wrote (vocab/NAME)")
        }
        return try Vocabulary(fileText: String(decoding: data, as: UTF8.self), path: path)
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
    static func optionError(_ error: TrainingOptions.Invalid) -> S2SError {
        .options(problem: "\(option(forKey: error.key)) \(error.message(naming: option(forKey:))).", hint: "")
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
