import ArgumentParser
import Foundation
import S2SCore
import S2SDistributed
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

            Started by mpirun, it trains data-parallel (Open MPI 4, loaded at run time): each process \
            computes a share of every batch, and rank 0 alone writes MODEL/. The same seed gives the \
            same run on any number of processes (--shares):
              mpirun --allow-run-as-root --mca odls_base_sigkill_timeout 30 -np 2 \\
                s2s-train --data data/bible-en-es --vocab vocab/bible-en-es --model models/bible
            """)

    enum Preset: String, ExpressibleByArgument, CaseIterable {
        case tiny, small, base
    }

    // Options that are nil when not given: --resume and --config must tell
    // an option the user set from its default (see `changes(to:holder:)`).
    @Option(help: ArgumentHelp("Data folder written by s2s-prep (data/NAME).", valueName: "DIR")) var data: String
    @Option(help: ArgumentHelp("Vocabulary folder written by s2s-prep (vocab/NAME).", valueName: "DIR")) var vocab: String
    @Option(help: ArgumentHelp("Model folder to write (models/NAME).", valueName: "DIR")) var model: String
    @Flag(help: "Continue the run in --model from its newest readable checkpoint. Stopping, validation, reporting, --pass-tokens and --threads may be given anew; other options may repeat the run's values but not change them.")
    var resume = false
    @Flag(help: "With --resume: continue on --data although it is not the training data the checkpoint records (another file, more pairs); the data cursor restarts at the first batch.")
    var newData = false
    @Option(help: ArgumentHelp("Take the model shape and training options from a config.json written by an earlier run (edit a copy to change them); stopping, validation, reporting, --pass-tokens and --threads may be given besides; other options may repeat the file's values but not change them.", valueName: "FILE"))
    var config: String?

    @Option(help: "Model shape: tiny (1×64), small (2×256, the default) or base (2×512, the reference shape).")
    var preset: Preset?
    @Option(parsing: .unconditional, help: "Embedding size (default: the preset's).") var embeddingSize: Int?
    @Option(parsing: .unconditional, help: "Hidden size (default: the preset's).") var hiddenSize: Int?
    @Option(parsing: .unconditional, help: "Layers in encoder and decoder (default: the preset's).") var layers: Int?
    @Option(help: "Recurrent cell: lstm (default), gru, or rnn (the Elman RNN, h' = tanh(x·W + h·U + b)).") var cell: String?
    @Flag(help: "Bidirectional encoder (each direction gets half the hidden size).") var bidirectional = false
    @Option(help: "Attention: none, dot, general (default) or concat.") var attention: String?
    @Flag(inversion: .prefixedNo, help: "Feed the previous attentional vector to the decoder (default: on).") var inputFeeding: Bool?
    @Option(parsing: .unconditional, help: "Dropout between layers, on embeddings and on the attentional vector (default: 0.2).") var dropout: Double?
    @Option(parsing: .unconditional, help: "Label smoothing ε (default: 0).") var labelSmoothing: Double?
    @Flag(help: "Reverse the source sentence (Sutskever et al. 2014).") var reverseSource = false
    @Flag(help: "Skip connections: every layer above the first, in encoder and decoder, adds its input to its output (GNMT; needs --layers ≥ 2).")
    var residual = false
    @Flag(help: "A pyramidal encoder (Listen, Attend and Spell): every encoder layer above the first reads adjacent pairs of the layer below's outputs, halving the time steps; attention runs over the reduced memory (needs --layers ≥ 2).")
    var pyramid = false
    @Flag(help: "Share the decoder's input embeddings with its output projection (needs --embedding-size = --hidden-size).")
    var tieTargetEmbeddings = false

    @Option(parsing: .unconditional, help: "Seed of every random choice (initialisation, batches, dropout, sampling; default: 1).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Stop after this many updates (default 0: no limit).") var maxSteps: Int?
    @Option(parsing: .unconditional, help: "Stop after this much training time: the updates alone, not validation, checkpoints or start-up, e.g. 90s, 30m, 8h (default 0: no limit). --max-wall-time counts everything.")
    var maxTime: String?
    @Option(parsing: .unconditional, help: "Stop when the process has run this long, everything included (start-up, validation, checkpoints), e.g. 90s, 30m, 8h: what a job scheduler's time limit needs. The run stops early enough to write its checkpoint in time (default 0: no limit).")
    var maxWallTime: String?
    @Option(parsing: .unconditional, help: "Stop after this many epochs (default 0: no limit).") var maxEpochs: Int?
    @Option(parsing: .unconditional, help: "Padded source+target tokens per batch (0: use --batch-size; default: 4096).") var batchTokens: Int?
    @Option(parsing: .unconditional, help: "Sentences per batch when --batch-tokens is 0 (default: 64).") var batchSize: Int?
    @Option(parsing: .unconditional, help: "Run a batch of more padded source+target tokens than this in several passes that add up their gradients: the same update in less memory (default 0: one pass).")
    var passTokens: Int?
    @Option(parsing: .unconditional, help: "Cut each batch into this many shares whose gradients add up (default: the number of processes mpirun started, else 1). Fixed at the run's start, so a run resumed on another number of processes follows the same trajectory.")
    var shares: Int?
    @Option(parsing: .unconditional, help: "Add up the gradients of this many batches before each update, and send them between processes once (default: 1).")
    var accumulate: Int?
    @Option(help: "Optimizer: adam (default) or sgd.") var optimizer: String?
    @Option(parsing: .unconditional, help: "Learning rate (default: 0.001).") var learningRate: Double?
    @Option(parsing: .unconditional, help: "Warm the learning rate up linearly over this many updates (default 0: off).") var warmupSteps: Int?
    @Option(parsing: .unconditional, help: "Multiply the learning rate by --decay-factor after this many validations without improvement (default 0: off).")
    var decayPatience: Int?
    @Option(parsing: .unconditional, help: "Learning-rate decay factor on a validation plateau (default: 0.5).") var decayFactor: Double?
    @Option(parsing: .unconditional, help: "Stop after this many validations without improvement (default 0: off).") var earlyStop: Int?
    @Option(help: "What improvement means (best model, plateau decay, early stop): loss (default), bleu or chrf.")
    var bestMetric: String?
    @Option(parsing: .unconditional, help: "Clip gradients to this global norm (0: off; default: 5).") var clip: Double?
    @Option(help: """
        Probability of feeding the gold previous token: a constant (1.0 = teacher forcing, the default), \
        linear:K:SLOPE:MIN, exponential:K or inverse-sigmoid:K (scheduled sampling).
        """)
    var teacherForcing: String?
    @Flag(help: "Feed a sample of the model's softmax rather than its argmax when not feeding gold.")
    var sampleOwnToken = false
    @Option(help: ArgumentHelp("The products' precision: float32, bfloat16 (inputs rounded to bfloat16, sums, weights, gradients and Adam in float32; needs AVX512_BF16; on AMX tiles where the CPU has them, unless S2S_NO_AMX=1) or auto (bfloat16 where the CPU has it; the default). config.json records the choice.", valueName: "P"))
    var precision: String?
    @Option(parsing: .unconditional, help: "Updates between progress records (default: 50).") var reportEvery: Int?
    @Option(parsing: .unconditional, help: "Updates between validations (0: only at the end; default: 500).") var validEvery: Int?
    @Option(parsing: .unconditional, help: "Updates between checkpoints (default: 500).") var saveEvery: Int?
    @Option(parsing: .unconditional, help: "Checkpoints to keep besides the best model (default: 3).") var keep: Int?
    @Option(parsing: .unconditional, help: "Validation sentences translated greedily for BLEU and chrF (0: none; default: 200).") var bleuSentences: Int?
    @Option(parsing: .unconditional, help: "Threads for matrix work (default: all cores).") var threads: Int?
    @Flag(help: "At each validation, record the norm of the loss's gradient with respect to the encoder's first-layer state at every source position (a fixed batch: the 32 longest validation sentences) in train.jsonl, and draw plots/gradient_flow.svg.")
    var gradientFlow = false

    func validate() throws {
        if resume && config != nil {
            throw ValidationError("--resume continues the run stored in --model; --config starts a new one. Give one of them.")
        }
        if newData && !resume {
            throw ValidationError("--new-data continues a run on other training data: give it with --resume.")
        }
        if let message = NumberOptions.problem(finite: [("--dropout", dropout), ("--label-smoothing", labelSmoothing)]) {
            throw ValidationError(message)
        }
        if let teacherForcing, TeacherForcingSchedule(argument: teacherForcing) == nil {
            throw ValidationError("--teacher-forcing '\(teacherForcing)' is not \(TeacherForcingSchedule.validForms).")
        }
        for (name, text) in [("--max-time", maxTime), ("--max-wall-time", maxWallTime)] {
            if let text, Self.seconds(text) == nil {
                throw ValidationError("\(name) '\(text)' is not a duration such as 90s, 30m or 8h.")
            }
        }
        if let optimizer, TrainingOptions.Optimizer(rawValue: optimizer) == nil {
            throw ValidationError("--optimizer must be adam or sgd, not '\(optimizer)'.")
        }
        if let bestMetric, TrainingOptions.Metric(rawValue: bestMetric) == nil {
            throw ValidationError("--best-metric must be loss, bleu or chrf, not '\(bestMetric)'.")
        }
        if let precision, precision != "auto" && TrainingOptions.Precision(rawValue: precision) == nil {
            throw ValidationError("--precision must be float32, bfloat16 or auto, not '\(precision)'.")
        }
        if precision == "bfloat16" && !BFloat16Gemm.isAvailable {
            throw ValidationError("--precision bfloat16 needs a CPU with AVX512_BF16, which this one lacks; use float32 or auto.")
        }
        if let cell, ModelConfig.Cell(rawValue: cell) == nil {
            throw ValidationError("--cell must be one of \(ModelConfig.Cell.allCases.map(\.rawValue).joined(separator: ", ")), not '\(cell)'.")
        }
        if let attention, ModelConfig.AttentionKind(rawValue: attention) == nil {
            throw ValidationError("--attention must be none, dot, general or concat, not '\(attention)'.")
        }
        for (name, value) in [("--threads", threads), ("--embedding-size", embeddingSize), ("--hidden-size", hiddenSize),
                              ("--layers", layers)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, not \(value).") }
        }
        // The training options' ranges: TrainingOptions.validate, as for a
        // config file. A stored run's are checked with the values given
        // over them (`rootConfig`).
        if !resume && config == nil {
            do throws(TrainingOptions.Invalid) {
                try newTrainingOptions().validate()
            } catch {
                throw Self.optionError(error)
            }
        }
    }

    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value >= 0, value.isFinite {
            return value * scale
        }
        if let value = Double(text), value >= 0, value.isFinite { return value }
        return nil
    }

    func run() throws {
        let (world, launch) = try Self.joinJob(threads: threads)
        Interrupt.install()
        let folder = ModelFolder(path: model)
        let prefix = world.size > 1 ? "s2s-train (rank \(world.rank) of \(world.size)): " : "s2s-train: "
        let say: (String) -> Void = { StandardError.write(prefix + $0 + "\n") }

        let srcVocab = try Self.vocabulary(vocab + "/src.vocab")
        let tgtVocab = try Self.vocabulary(vocab + "/tgt.vocab")
        let train = try TokenShard(path: data + "/train.s2sb", sourceVocabulary: srcVocab, targetVocabulary: tgtVocab)
        let validPath = data + "/valid.s2sb"
        let valid = FileManager.default.fileExists(atPath: validPath)
            ? try TokenShard(path: validPath, sourceVocabulary: srcVocab, targetVocabulary: tgtVocab) : nil
        // Rank 0 alone reads and writes the model folder; the others take
        // the run's configuration from it.
        var rootRun: ModelFolder.RunConfig?
        var lock: FolderLock?
        var wroteToFolder = false
        defer { lock?.release(removingIfCreated: !wroteToFolder) }
        if world.isRoot {
            if resume && !FileManager.default.fileExists(atPath: folder.configPath) {
                throw InputError(file: folder.configPath, problem: "missing: \(model) holds no run to resume",
                                 hint: "Check --model, or train a new model without --resume")
            }
            // The folder is this run's alone from here on (a second run stops at once).
            lock = try FolderLock(folder: model)
            for leftover in folder.removeLeftovers() {
                say("removed \(leftover.path) (\(SystemMemory.format(bytes: Double(leftover.bytes)))): an unfinished write of a run "
                    + "(PID \(leftover.pid)) that was stopped while writing it")
            }
            rootRun = try rootConfig(folder: folder, srcVocab: srcVocab, tgtVocab: tgtVocab, train: train, processes: world.size)
        }
        let configJSON = try world.broadcast(rootRun.map { try StableJSON.encode($0) }.map(Array.init) ?? [])
        let run = try rootRun ?? StableJSON.decoder().decode(ModelFolder.RunConfig.self, from: Data(configJSON))

        if world.size > 1 {
            try JobInputs(arguments: CommandLine.arguments, train: train, valid: valid, sourceVocabulary: srcVocab,
                          targetVocabulary: tgtVocab)
                .checkSame(across: world, data: data, vocab: vocab)
        }
        let memory = try checkMemory(run, train: train, processes: world.size)

        let trainer = try Trainer(folder: folder, config: run, train: train, valid: valid, targetVocabulary: tgtVocab,
                                  communicator: world)
        trainer.log = world.isRoot ? say : { _ in }
        trainer.processStart = Self.processStart
        var resumedFrom: Int?
        if world.isRoot {
            // Resuming reads the checkpoint before anything is written: with none
            // usable, the run stops and the folder stays as it was.
            resumedFrom = resume ? try trainer.resume(newData: newData) : nil
            wroteToFolder = true
            if !resume && folder.holdsARunWithoutCheckpoint {
                let files = folder.existingRunFiles().map { ($0 as NSString).lastPathComponent }
                _ = try folder.clearRunWithoutCheckpoint()
                say("\(model) holds a run that never wrote a checkpoint (\(files.joined(separator: ", "))): starting it afresh")
            }
            if !resume { try folder.copyVocabulary(from: vocab) }
            try folder.writeConfig(run)
            let shares = run.training.shares ?? 1
            say("\(trainer.model.parameterCount) parameters; \(train.count) training pairs; "
                + "products in \((run.training.precision ?? .float32).rawValue), BLAS kernels \(BLASRuntime.coreName), "
                + "\(KernelThreads.current) threads"
                + (world.size > 1 || shares > 1 ? " per process, \(world.size) process\(world.size == 1 ? "" : "es"), \(shares) shares a batch" : "")
                + "; about \(SystemMemory.format(bytes: memory)) of memory")
            if world.size > shares {
                say("warning: \(world.size - shares) of the \(world.size) processes have no share to compute (the run has --shares \(shares), fixed at its start)")
            }
            if let launch, launch.sigkillTimeout < 10 {
                say("note: on Ctrl-C mpirun kills the processes \(launch.sigkillTimeout) s after passing it on, which may be before rank 0 "
                    + "has written a checkpoint (--resume then continues from the last one). Give mpirun --mca odls_base_sigkill_timeout 30, "
                    + "or stop the run with kill -USR1 on mpirun's process")
            }
        }
        let summary = try trainer.run(resumedFrom: resumedFrom)
        if let mpi = world as? OpenMPI { try mpi.finalize() }
        guard world.isRoot else { return }
        if summary.interrupted {
            say("stopped at step \(summary.steps); checkpoint written. Resume with: s2s-train --data \(data) --vocab \(vocab) --model \(model) --resume")
        } else {
            say(String(format: "done: %d steps, last loss %.4f; best model in %@", summary.steps, summary.lastLoss, folder.bestPath))
        }
    }

    /// The run rank 0 trains: the stored one (--resume), a config file's
    /// (--config) or the options', with the run control given now.
    func rootConfig(folder: ModelFolder, srcVocab: Vocabulary, tgtVocab: Vocabulary, train: TokenShard, processes: Int) throws
        -> ModelFolder.RunConfig {
        var run: ModelFolder.RunConfig
        let storedIn = resume ? folder.configPath : config
        if resume {
            if folder.holdsARunWithoutCheckpoint {
                throw ValidationError("""
                    \(model) holds a run that never wrote a checkpoint (it stopped before its first): there is nothing \
                    to resume. Start it afresh with the same command without --resume (a new run replaces such a run; \
                    --config \(model)/config.json repeats its settings).
                    """)
            }
            run = try folder.readConfig()
            try folder.checkSameVocabulary(as: vocab)
            try refuseChanges(to: run, holder: "the run")
            if newData { run.data = data }
        } else {
            if let existing = folder.existingRunFiles().first, !folder.holdsARunWithoutCheckpoint {
                throw ValidationError("\(model) already holds a model (\(existing)). Continue it with --resume, or choose another --model.")
            }
            if let config {
                run = try Self.readConfig(config, sourceVocabularySize: srcVocab.count, targetVocabularySize: tgtVocab.count)
                try refuseChanges(to: run, holder: "the file")
            } else {
                run = try makeConfig(sourceVocabularySize: srcVocab.count, targetVocabularySize: tgtVocab.count)
            }
            run.data = data
            run.vocab = vocab
            if run.training.shares == nil && processes > 1 { run.training.shares = processes }
        }
        let stored = run.training
        applyRunControl(to: &run.training)
        do throws(TrainingOptions.Invalid) {
            try run.training.validate(for: train, reverseSource: run.model.reverseSource)
        } catch {
            // A value the command line left as the file has it is the file's.
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
        let changes = changes(to: stored, holder: holder)
        guard !changes.isEmpty else { return }
        let source = resume ? "--resume continues the run as \(model)/config.json sets it"
                            : "--config takes the model and its training from \(config ?? "")"
        throw ValidationError("""
            \(source); \(changes.joined(separator: ", ")) would change the model or its training. \
            Drop \(changes.count == 1 ? "it" : "them")\(resume ? ", or start a new --model folder (--config \(model)/config.json copies the run's settings; edit a copy to change them)" : ", or edit a copy of the config file").
            """)
    }

    /// One process (SingleProcess), or a rank of the mpirun job that
    /// started this one (and what mpirun's environment says of it); the
    /// default thread count then shares this host's cores among its ranks.
    static func joinJob(threads: Int?) throws -> (Communicator, OpenMPI.Launch?) {
        let launch = OpenMPI.Launch(environment: ProcessInfo.processInfo.environment)
        if let threads {
            KernelThreads.set(threads)
        } else if let launch, launch.localSize > 1 {
            KernelThreads.set(max(1, ProcessInfo.processInfo.activeProcessorCount / launch.localSize))
        }
        guard let launch else { return (SingleProcess(), nil) }
        return (try OpenMPI(library: launch.library), launch)
    }

    /// Refuses (exit 64) a run that would not fit in memory, before anything
    /// is allocated or written.
    func checkMemory(_ run: ModelFolder.RunConfig, train: TokenShard, processes: Int) throws -> Double {
        let need = Trainer.estimatedBytes(config: run, train: train, processes: processes)
        guard let available = SystemMemory.availableBytes(), need > available else { return need }
        let m = run.model, t = run.training
        let shape = "--embedding-size \(m.embeddingSize) --hidden-size \(m.hiddenSize) --layers \(m.layers), vocabularies "
            + "\(m.sourceVocabularySize)/\(m.targetVocabularySize), "
            + (t.batchTokens > 0 ? "--batch-tokens \(t.batchTokens)" : "--batch-size \(t.batchSize)")
            + (t.passTokens.map { " --pass-tokens \($0)" } ?? "")
        let needs = """
            This model needs about \(SystemMemory.format(bytes: need)) of memory to train (\(shape): parameters, \
            gradients, Adam's moments and activations), but \(SystemMemory.format(bytes: available)) are available.
            """
        // A pair is never cut: when one alone needs most of it, no batch
        // option helps, and the pair is what to name.
        let pair = CostliestPair(config: m, train: train)
        guard pair.dominates(need: need, available: available) else {
            throw ValidationError(needs + " Lower --hidden-size, --embedding-size or --layers, or the batch (--batch-tokens, --pass-tokens).")
        }
        let drop = pair.maxLength.map { length in
            "s2s-prep --max-len \(length) drops it" + (pair.dropped > 1 ? " (and \(pair.dropped - 1) more pairs as long)" : "")
                + ", or split that line"
        } ?? "Split that line"
        throw ValidationError(needs + """
             The longest training pair sets this need: \(pairPlace(pair.index)) has \(pair.source) source and \
            \(pair.target) target subwords, and needs about \(SystemMemory.format(bytes: pair.bytes)) alone in a batch, \
            which --batch-tokens and --pass-tokens cannot lower. \(drop).
            """)
    }

    /// "pair 12 of data/x/train.s2sb (line 12 of corpus/train.src)": the
    /// line as far as the vocabulary's prep.json tells it (s2s-prep keeps
    /// the corpus's order, and says how many lines it dropped).
    func pairPlace(_ index: Int) -> String {
        let pair = "pair \(index + 1) of \(data)/train.s2sb"
        guard let bytes = FileManager.default.contents(atPath: vocab + "/prep.json"),
              let manifest = try? StableJSON.decoder().decode(PrepManifest.self, from: bytes),
              let split = manifest.splits["train"] else { return pair }
        let dropped = split.dropped.values.reduce(0, +)
        return dropped == 0 ? "\(pair) (line \(index + 1) of \(split.sourceFile))"
                            : "\(pair) (line \(index + 1) or later of \(split.sourceFile): s2s-prep dropped \(dropped) lines)"
    }

    func makeConfig(sourceVocabularySize: Int, targetVocabularySize: Int) throws -> ModelFolder.RunConfig {
        var m = ModelConfig(sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize)
        (m.embeddingSize, m.hiddenSize, m.layers) = Self.sizes(.small)
        applyModelOptions(to: &m)
        do {
            try m.validate()
        } catch {
            throw ValidationError("\(error.message) (option --\(error.key.replacingOccurrences(of: "_", with: "-")))")
        }
        return ModelFolder.RunConfig(model: m, training: newTrainingOptions(), data: data, vocab: vocab)
    }

    /// A new run's training options: the defaults, with those given.
    func newTrainingOptions() -> TrainingOptions {
        var t = TrainingOptions()
        t.precision = BFloat16Gemm.isAvailable ? .bfloat16 : .float32  // --precision auto
        applyTrainingOptions(to: &t)
        applyRunControl(to: &t)
        return t
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

    /// When the process started (DispatchTime's uptime, nanoseconds): read
    /// first thing in `main`, for --max-wall-time.
    static let processStart = DispatchTime.now().uptimeNanoseconds

    static func main() {
        BLASRuntime.ensureOptimizedKernels()  // may re-execute: before anything else
        _ = processStart
        StandardStreams.prepare()
        HeapTuning.keepFreedBuffers()
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
