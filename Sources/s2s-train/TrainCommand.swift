import ArgumentParser
import Foundation
import S2SCore
import S2SKernels
import S2SModel
import S2SText
import S2STraining

@main
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-train",
        abstract: "Train a translation model on data prepared by s2s-prep.",
        discussion: """
            Reads DATA/train.s2sb (and valid.s2sb), trains an LSTM encoder–decoder, and writes \
            MODEL/: config.json, model.safetensors (the best by validation loss), checkpoints/, \
            train.jsonl, and copies of the vocabulary files. Ctrl-C (or SIGTERM) finishes the \
            current step, writes a checkpoint and exits 0; --resume continues from the newest \
            readable checkpoint, exactly as if the run had not stopped.

            Examples:
              s2s-train --data data/bible-en-es --vocab vocab/bible-en-es --model models/bible --preset small --max-time 8h
              s2s-train --data data/bible-en-es --vocab vocab/bible-en-es --model models/bible --resume
            """)

    enum Preset: String, ExpressibleByArgument, CaseIterable {
        case tiny, small, base
    }

    @Option(help: ArgumentHelp("Data folder written by s2s-prep (data/NAME).", valueName: "DIR")) var data: String
    @Option(help: ArgumentHelp("Vocabulary folder written by s2s-prep (vocab/NAME).", valueName: "DIR")) var vocab: String
    @Option(help: ArgumentHelp("Model folder to write (models/NAME).", valueName: "DIR")) var model: String
    @Flag(help: "Continue the run in --model from its newest readable checkpoint.") var resume = false
    @Option(help: ArgumentHelp("Take the model shape and training options from a config.json written by an earlier run (edit a copy to change them); other shape and training options are then ignored.", valueName: "FILE"))
    var config: String?

    @Option(help: "Model shape: tiny (1×64), small (2×256) or base (2×512, the reference shape).")
    var preset: Preset = .small
    @Option(help: "Embedding size (default: the preset's).") var embeddingSize: Int?
    @Option(help: "Hidden size (default: the preset's).") var hiddenSize: Int?
    @Option(help: "Layers in encoder and decoder (default: the preset's).") var layers: Int?
    @Option(help: "Recurrent cell: lstm or gru.") var cell: String = "lstm"
    @Flag(help: "Bidirectional encoder (each direction gets half the hidden size).") var bidirectional = false
    @Option(help: "Attention: none, dot, general or concat.") var attention: String = "general"
    @Flag(inversion: .prefixedNo, help: "Feed the previous attentional vector to the decoder.") var inputFeeding = true
    @Option(help: "Dropout between layers, on embeddings and on the attentional vector.") var dropout = 0.2
    @Option(help: "Label smoothing ε.") var labelSmoothing = 0.0
    @Flag(help: "Reverse the source sentence (Sutskever et al. 2014).") var reverseSource = false
    @Flag(help: "Share the decoder's input embeddings with its output projection (needs --embedding-size = --hidden-size).")
    var tieTargetEmbeddings = false

    @Option(help: "Seed of every random choice (initialisation, batches, dropout, sampling).") var seed: UInt64 = 1
    @Option(help: "Stop after this many updates (0: no limit).") var maxSteps = 0
    @Option(help: "Stop after this wall-clock time, e.g. 90s, 30m, 8h (0: no limit).") var maxTime = "0"
    @Option(help: "Stop after this many epochs (0: no limit).") var maxEpochs = 0
    @Option(help: "Padded source+target tokens per batch (0: use --batch-size).") var batchTokens = 4096
    @Option(help: "Sentences per batch when --batch-tokens is 0.") var batchSize = 64
    @Option(help: "Run a batch of more padded source+target tokens than this in several passes that add up their gradients: the same update in less memory (0: one pass).")
    var passTokens = 0
    @Option(help: "Optimizer: adam or sgd.") var optimizer: String = "adam"
    @Option(help: "Learning rate.") var learningRate = 1e-3
    @Option(help: "Warm the learning rate up linearly over this many updates (0: off).") var warmupSteps = 0
    @Option(help: "Multiply the learning rate by --decay-factor after this many validations without improvement (0: off).")
    var decayPatience = 0
    @Option(help: "Learning-rate decay factor on a validation plateau.") var decayFactor = 0.5
    @Option(help: "Stop after this many validations without improvement (0: off).") var earlyStop = 0
    @Option(help: "What improvement means (best model, plateau decay, early stop): loss, bleu or chrf.")
    var bestMetric = "loss"
    @Option(help: "Clip gradients to this global norm (0: off).") var clip = 5.0
    @Option(help: """
        Probability of feeding the gold previous token: a constant (1.0 = teacher forcing), \
        linear:K:SLOPE:MIN, exponential:K or inverse-sigmoid:K (scheduled sampling).
        """)
    var teacherForcing = "1.0"
    @Flag(help: "Feed a sample of the model's softmax rather than its argmax when not feeding gold.")
    var sampleOwnToken = false
    @Option(help: "Updates between progress records.") var reportEvery = 50
    @Option(help: "Updates between validations (0: only at the end).") var validEvery = 500
    @Option(help: "Updates between checkpoints.") var saveEvery = 500
    @Option(help: "Checkpoints to keep besides the best model.") var keep = 3
    @Option(help: "Validation sentences translated greedily for BLEU and chrF (0: none).") var bleuSentences = 200
    @Option(help: "Threads for matrix work (default: all cores).") var threads: Int?

    func validate() throws {
        if TeacherForcingSchedule(argument: teacherForcing) == nil {
            throw ValidationError("--teacher-forcing '\(teacherForcing)' is not a probability in [0, 1], linear:K:SLOPE:MIN, exponential:K (0 < K ≤ 1) or inverse-sigmoid:K (K ≥ 1).")
        }
        if Self.seconds(maxTime) == nil {
            throw ValidationError("--max-time '\(maxTime)' is not a duration such as 90s, 30m or 8h.")
        }
        if TrainingOptions.Optimizer(rawValue: optimizer) == nil {
            throw ValidationError("--optimizer must be adam or sgd, not '\(optimizer)'.")
        }
        if learningRate <= 0 { throw ValidationError("--learning-rate must be positive.") }
        guard let metric = TrainingOptions.Metric(rawValue: bestMetric) else {
            throw ValidationError("--best-metric must be loss, bleu or chrf, not '\(bestMetric)'.")
        }
        if metric != .loss && bleuSentences == 0 {
            throw ValidationError("--best-metric \(bestMetric) needs greedy translations of the validation set: set --bleu-sentences above 0.")
        }
        if decayFactor <= 0 || decayFactor > 1 { throw ValidationError("--decay-factor must be in (0, 1].") }
        if ModelConfig.Cell(rawValue: cell) == nil { throw ValidationError("--cell must be lstm or gru, not '\(cell)'.") }
        if ModelConfig.AttentionKind(rawValue: attention) == nil {
            throw ValidationError("--attention must be none, dot, general or concat, not '\(attention)'.")
        }
        if batchTokens < 0 || batchSize < 1 { throw ValidationError("--batch-tokens must be ≥ 0 and --batch-size ≥ 1.") }
        if passTokens < 0 { throw ValidationError("--pass-tokens must be ≥ 0.") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value >= 0 {
            return value * scale
        }
        if let value = Double(text), value >= 0 { return value }
        return nil
    }

    func run() throws {
        if let threads { KernelThreads.set(threads) }
        Interrupt.install()
        let folder = ModelFolder(path: model)
        let say: (String) -> Void = { FileHandle.standardError.write(Data(("s2s-train: " + $0 + "\n").utf8)) }

        let srcVocab = try Self.vocabulary(vocab + "/src.vocab")
        let tgtVocab = try Self.vocabulary(vocab + "/tgt.vocab")
        let runConfig: ModelFolder.RunConfig
        if resume {
            runConfig = try folder.readConfig()
        } else {
            if FileManager.default.fileExists(atPath: folder.configPath) {
                throw ValidationError("\(model) already holds a model. Continue it with --resume, or choose another --model.")
            }
            if let config {
                runConfig = try Self.readConfig(config, sourceVocabularySize: srcVocab.count,
                                                targetVocabularySize: tgtVocab.count)
            } else {
                runConfig = try makeConfig(sourceVocabularySize: srcVocab.count, targetVocabularySize: tgtVocab.count)
            }
        }
        var training = runConfig.training
        // Limits given now extend a resumed run.
        if resume {
            if maxSteps > 0 { training.maxSteps = maxSteps }
            if passTokens > 0 { training.passTokens = passTokens }  // memory only: the same updates
            if let s = Self.seconds(maxTime), s > 0 { training.maxSeconds = s }
        }
        let resolved = ModelFolder.RunConfig(model: runConfig.model, training: training, data: data, vocab: vocab)

        let train = try TokenShard(path: data + "/train.s2sb", sourceVocabulary: srcVocab, targetVocabulary: tgtVocab)
        let validPath = data + "/valid.s2sb"
        let valid = FileManager.default.fileExists(atPath: validPath)
            ? try TokenShard(path: validPath, sourceVocabulary: srcVocab, targetVocabulary: tgtVocab) : nil

        try folder.copyVocabulary(from: vocab)
        try folder.writeConfig(resolved)
        let trainer = try Trainer(folder: folder, config: resolved, train: train, valid: valid, targetVocabulary: tgtVocab)
        trainer.log = say
        var resumedFrom: Int?
        if resume {
            resumedFrom = try trainer.resume()
            if resumedFrom == nil { say("no readable checkpoint in \(folder.checkpointFolder): starting from scratch") }
        }
        say("\(trainer.model.parameterCount) parameters; \(train.count) training pairs; "
            + "BLAS kernels \(BLASRuntime.coreName), \(KernelThreads.current) threads")
        let summary = try trainer.run(resumedFrom: resumedFrom)
        if summary.interrupted {
            say("stopped at step \(summary.steps); checkpoint written. Resume with: s2s-train --data \(data) --vocab \(vocab) --model \(model) --resume")
        } else {
            say(String(format: "done: %d steps, last loss %.4f; best model in %@", summary.steps, summary.lastLoss, folder.bestPath))
        }
    }

    func makeConfig(sourceVocabularySize: Int, targetVocabularySize: Int) throws -> ModelFolder.RunConfig {
        var m = ModelConfig(sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize)
        switch preset {
        case .tiny: m.embeddingSize = 64; m.hiddenSize = 64; m.layers = 1
        case .small: m.embeddingSize = 256; m.hiddenSize = 256; m.layers = 2
        case .base: m.embeddingSize = 512; m.hiddenSize = 512; m.layers = 2
        }
        if let embeddingSize { m.embeddingSize = embeddingSize }
        if let hiddenSize { m.hiddenSize = hiddenSize }
        if let layers { m.layers = layers }
        m.cell = ModelConfig.Cell(rawValue: cell)!
        m.bidirectional = bidirectional
        m.attention = ModelConfig.AttentionKind(rawValue: attention)!
        m.inputFeeding = inputFeeding && m.attention != .none
        m.dropout = dropout
        m.labelSmoothing = labelSmoothing
        m.reverseSource = reverseSource
        m.tieTargetEmbeddings = tieTargetEmbeddings
        do {
            try m.validate()
        } catch {
            throw ValidationError("\(error.message) (option --\(error.key.replacingOccurrences(of: "_", with: "-")))")
        }
        var t = TrainingOptions()
        t.seed = seed; t.maxSteps = maxSteps; t.maxSeconds = Self.seconds(maxTime)!; t.maxEpochs = maxEpochs
        t.batchTokens = batchTokens; t.batchSize = batchSize; t.passTokens = passTokens > 0 ? passTokens : nil; t.learningRate = learningRate; t.clip = clip
        t.teacherForcing = TeacherForcingSchedule(argument: teacherForcing)!
        t.sampleOwnToken = sampleOwnToken
        t.reportEvery = reportEvery; t.validEvery = validEvery; t.saveEvery = saveEvery; t.keepCheckpoints = keep
        t.bleuSentences = bleuSentences
        t.optimizer = TrainingOptions.Optimizer(rawValue: optimizer)!
        t.warmupSteps = warmupSteps; t.decayPatience = decayPatience; t.decayFactor = decayFactor
        t.earlyStopPatience = earlyStop
        t.bestMetric = TrainingOptions.Metric(rawValue: bestMetric)!
        return ModelFolder.RunConfig(model: m, training: t, data: data, vocab: vocab)
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

    static func main() {
        BLASRuntime.ensureOptimizedKernels()
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
