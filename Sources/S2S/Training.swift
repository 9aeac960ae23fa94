internal import Foundation
internal import S2SCore
internal import S2SDistributed
internal import S2SKernels
internal import S2SModel
internal import S2SText
internal import S2STraining
import Synchronization

/// A run of `s2s-train`: prepared data (``Preparation``) and options in, a
/// model folder out — config.json, model.safetensors (the best by
/// validation), checkpoints/, train.jsonl, plots/ and copies of the
/// vocabularies, all a ``Translator`` needs.
///
/// ```swift
/// var options = Training.Options()
/// options.preset = .tiny
/// options.maxSteps = 1000
/// let training = Training(data: "data/toy", vocabulary: "vocab/toy", model: "models/toy", options: options)
/// let summary = try training.run { event in
///     if case .report(let r) = event { print(r.step, r.loss) }
/// }
/// ```
///
/// Everything an update depends on is in each checkpoint (parameters,
/// Adam's moments, the step, the data cursor, the generator's state), so a
/// run stopped by ``cancel()`` and resumed (``Start/resume(newData:)``)
/// follows the uninterrupted run bit for bit (the same thread count).
/// Started by mpirun, every process runs the same training and computes its
/// share of each batch; rank 0 alone writes the model folder.
///
/// A run computes on the calling thread, splitting its products over
/// ``Options-swift.struct/threads`` cores; its thread count and precision
/// are its own (nothing process-wide), but the cores are shared: a
/// translation beside it slows both.
public final class Training: Sendable {
    /// How a run starts.
    public enum Start: Sendable, Hashable {
        /// A new run of the options' model in an empty (or new) model folder.
        case new
        /// The run stored in the model folder, from its newest readable
        /// checkpoint; `newData` continues it on other training data than
        /// the checkpoint records (the data cursor restarts).
        case resume(newData: Bool)
        /// A new run of the model and training a config.json of an earlier
        /// run sets (the options may repeat its values, not change them).
        case configuration(file: String)
    }

    /// The data folder written by ``Preparation`` (train.s2sb, valid.s2sb).
    public let data: String
    /// The vocabulary folder written by ``Preparation``.
    public let vocabulary: String
    /// The model folder to write.
    public let model: String
    /// Whether the run is new, resumed, or a configuration file's.
    public let start: Start
    /// The options given.
    public let options: Options
    /// Set by ``cancel()``: the run stops after its update.
    private let cancelled = Atomic<Bool>(false)

    /// A run to train `model` on `data` with `vocabulary` (nothing is read
    /// before ``run(events:)``).
    public init(data: String, vocabulary: String, model: String, start: Start = .new, options: Options = Options()) {
        self.data = data
        self.vocabulary = vocabulary
        self.model = model
        self.start = start
        self.options = options
    }

    /// Asks the run to stop: it finishes its update, writes a checkpoint,
    /// and ``run(events:)`` returns with ``Summary/cancelled``. Safe from
    /// any thread or task. (Cancelling the task that runs it does the same.)
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    /// Makes SIGINT, SIGTERM and SIGUSR1 stop every run of this process as
    /// ``cancel()`` does (`s2s-train`'s Ctrl-C; mpirun passes SIGUSR1 on to
    /// every rank).
    public static func stopOnSignals() {
        Interrupt.install()
    }

    /// Notes the process's start, for ``Options-swift.struct/maxWallSeconds``
    /// (a scheduler's limit counts from it): call it first in `main`. Not
    /// called, the wall clock starts at the first run.
    public static func noteProcessStart() {
        _ = processStart
    }

    /// When the process started (DispatchTime's uptime, nanoseconds).
    static let processStart = DispatchTime.now().uptimeNanoseconds

    /// Trains until a limit (steps, time, epochs, early stopping) or a
    /// cancellation, telling `events` what happens (on this thread).
    ///
    /// - Throws: ``S2SError/options(problem:hint:)`` for options that do
    ///   not fit the data, the stored run or this machine (nothing was
    ///   written); ``S2SError/input(file:line:problem:hint:)`` for a
    ///   missing or damaged input or checkpoint, or a run that failed
    ///   (a loss that stayed NaN, a full disk: the previous checkpoint is
    ///   intact).
    @discardableResult
    public func run(events: (Event) -> Void = { _ in }) throws(S2SError) -> Summary {
        try S2SError.converting {
            try withoutActuallyEscaping(events) { events in try runJob(events) }
        }
    }

    /// The run, its errors as the building blocks throw them.
    private func runJob(_ events: @escaping (Event) -> Void) throws -> Summary {
        if let precision = options.precision, !precision.trains || !precision.isAvailable {
            throw S2SError.options(problem: precision.trains ? "precision \(precision.rawValue) needs a CPU with AVX512_BF16, which this one lacks"
                                                             : "precision int8 decodes only: a run trains in float32 or bfloat16",
                                   hint: "Train in float32 or auto")
        }
        let (world, launch, threads) = try Self.joinJob(threads: options.threads)
        // Every product of the run on `threads` cores.
        return try KernelSettings(threads: threads).run {
            try runJob(world: world, launch: launch, events)
        }
    }

    /// The run in its job, with its kernel settings bound.
    private func runJob(world: Communicator, launch: OpenMPI.Launch?, _ events: @escaping (Event) -> Void) throws -> Summary {
        events(.started(rank: world.rank, processes: world.size))
        let folder = ModelFolder(path: model)
        let say: (String) -> Void = { events(.message($0)) }

        let srcVocab = try Self.vocabulary(vocabulary + "/src.vocab")
        let tgtVocab = try Self.vocabulary(vocabulary + "/tgt.vocab")
        let train = try TokenShard(path: data + "/train.s2sb", sourceVocabulary: srcVocab, targetVocabulary: tgtVocab)
        let validPath = data + "/valid.s2sb"
        let valid = FileManager.default.fileExists(atPath: validPath)
            ? try TokenShard(path: validPath, sourceVocabulary: srcVocab, targetVocabulary: tgtVocab) : nil
        let resume = if case .resume = start { true } else { false }
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
            lock = try folder.lock()
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
                .checkSame(across: world, data: data, vocab: vocabulary)
        }
        let memory = try checkMemory(run, train: train, processes: world.size)

        let trainer = try Trainer(folder: folder, config: run, train: train, valid: valid, targetVocabulary: tgtVocab,
                                  communicator: world)
        trainer.log = world.isRoot ? say : { _ in }
        trainer.onRecord = { record in
            if let event = Self.event(record) { events(event) }
        }
        trainer.processStart = Self.processStart
        if !options.statusLine { trainer.progress = ProgressBar(enabled: false) }
        // Asked to stop: a signal, cancel(), or the task's cancellation
        // (checked on this thread, the task's).
        trainer.stopRequested = { [self] in
            Interrupt.requested || cancelled.load(ordering: .relaxed) || Task.isCancelled
        }
        var resumedFrom: Int?
        if world.isRoot {
            // Resuming reads the checkpoint before anything is written: with none
            // usable, the run stops and the folder stays as it was.
            if case .resume(let newData) = start { resumedFrom = try trainer.resume(newData: newData) }
            wroteToFolder = true
            if !resume && folder.holdsARunWithoutCheckpoint {
                let files = folder.existingRunFiles().map { ($0 as NSString).lastPathComponent }
                _ = try folder.clearRunWithoutCheckpoint()
                say("\(model) holds a run that never wrote a checkpoint (\(files.joined(separator: ", "))): starting it afresh")
            }
            if !resume { try folder.copyVocabulary(from: vocabulary) }
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
        return Summary(rank: world.rank, steps: summary.steps, resumedFrom: resumedFrom, cancelled: summary.interrupted,
                       lastLoss: summary.lastLoss, modelFile: folder.bestPath)
    }
}
