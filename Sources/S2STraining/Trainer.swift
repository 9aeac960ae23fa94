import Foundation
import S2SCore
import S2SDistributed
import S2SKernels
import S2SMetrics
import S2SModel
import S2SSearch
import S2SText

/// The training loop: batches → forward/backward → clipping → Adam, with
/// validation, checkpoints, resumption and a clean stop on SIGINT/SIGTERM.
///
/// Everything a step depends on is in a checkpoint — parameters, Adam's
/// moments, the step, the data cursor (epoch, batch), the generator's state —
/// so a run resumed from a checkpoint continues bit for bit as the
/// uninterrupted run would have (same thread count).
///
/// Data-parallel under mpirun: every rank runs this loop on the same batches
/// and computes its shares of each (UpdateWork); the ranks sum their
/// gradients and then clip and update identically. Rank 0 alone validates,
/// logs and writes; it sends its parameters, Adam's moments and the run's
/// state to the others at the start and after each validation.
public final class Trainer {
    public let folder: ModelFolder
    public let config: ModelFolder.RunConfig
    public let model: Seq2Seq<Float>
    let batcher: Batcher
    let valid: TokenShard?
    /// The target vocabulary, to turn greedy translations into text for BLEU.
    let targetVocabulary: Vocabulary?
    /// Clipping and the optimizer's step, with Adam's moments.
    let update: ParameterUpdate
    /// The job's ranks (one, unless mpirun started the run).
    let communicator: Communicator
    /// Where a rank keeps the shares it has summed while it computes the
    /// next from zero (only when it computes more than one).
    lazy var shareSum = Arena<Float>(capacity: model.layout.count)

    // The run's state (saved in every checkpoint).
    public internal(set) var step = 0
    var epoch = 0
    var batchIndex = 0
    var rng: SplitMix64
    /// The best validation score so far (higher is better: −loss, BLEU or chrF).
    var bestScore = -Double.infinity
    var nonFiniteInARow = 0
    /// Validations since the best one, and the plateau decay applied so far.
    var validationsWithoutImprovement = 0
    var decayMultiplier = 1.0
    var stopEarly = false

    /// The training data as checkpoints record it: a resumed run must read
    /// the same (or say `--new-data`), or its data cursor points elsewhere.
    lazy var trainingData = DataIdentity(batcher.shard)

    /// The learning rate of update `step`: warm-up, then plateau decay.
    var learningRate: Double {
        let o = config.training
        let warmup = o.warmupSteps > 0 ? min(1, Double(step) / Double(o.warmupSteps)) : 1
        return o.learningRate * warmup * decayMultiplier
    }

    /// When the process started (DispatchTime's uptime, nanoseconds), for
    /// --max-wall-time; the trainer's creation unless the command sets it.
    public var processStart = DispatchTime.now().uptimeNanoseconds

    /// One line per message, e.g. to stderr.
    public var log: (String) -> Void = { _ in }
    /// Each record as it is appended to train.jsonl (rank 0).
    public var onRecord: (TrainingRecord) -> Void = { _ in }
    /// Whether the run is asked to stop (checked before each update, on
    /// the thread that runs it): it finishes, writes a checkpoint and
    /// returns. SIGINT/SIGTERM/SIGUSR1 (`Interrupt`) unless replaced.
    public var stopRequested: () -> Bool = { Interrupt.requested }
    /// The terminal status line (disabled when stderr is not a terminal).
    public var progress = ProgressBar()
    var runLog: RunLog?

    public init(folder: ModelFolder, config: ModelFolder.RunConfig, train: TokenShard, valid: TokenShard?,
                targetVocabulary: Vocabulary? = nil, communicator: Communicator = SingleProcess()) throws {
        self.communicator = communicator
        if config.training.precision == .bfloat16 && !CPUFeatures.current.contains(.bfloat16) {
            throw InputError(file: folder.configPath,
                             problem: "this run trains in bfloat16 (training.precision), which needs a CPU with AVX512_BF16; this one lacks it",
                             hint: "Continue it on a CPU that has AVX512_BF16, or start a new run with --precision float32")
        }
        try config.training.validate(for: train, reverseSource: config.model.reverseSource)
        self.targetVocabulary = targetVocabulary
        self.folder = folder
        self.config = config
        model = try Seq2Seq<Float>(config: config.model)
        model.initialize(seed: config.training.seed)
        let o = config.training
        batcher = Batcher(shard: train, maxTokens: o.batchTokens, sentences: o.batchSize, seed: o.seed,
                          reverseSource: config.model.reverseSource)
        self.valid = valid
        update = ParameterUpdate(model: model, optimizer: o.optimizer, maxNorm: o.clip)
        rng = SplitMix64(seed: o.seed &+ 1)
    }

    /// The memory a run of `config` (validated for `train`) will need on
    /// each of `processes` ranks (see `MemoryEstimate`), for the first
    /// epoch's batches in their passes; a rank that computes more than one
    /// share of a batch keeps their sum aside (`shareSum`).
    public static func estimatedBytes(config: ModelFolder.RunConfig, train: TokenShard, processes: Int = 1) -> Double {
        let o = config.training
        let batcher = Batcher(shard: train, maxTokens: o.batchTokens, sentences: o.batchSize, seed: o.seed,
                              reverseSource: config.model.reverseSource)
        let shapes = passShapes(batcher, batcher.epoch(0), o)
        let sharesPerRank = ((o.shares ?? 1) + processes - 1) / processes
        return MemoryEstimate.trainingBytes(config: config.model, shapes: shapes, keepsShareSum: sharesPerRank > 1)
    }

    /// The shapes of the passes a run computes for these batches: each
    /// batch's shares, each share in its passes (empty shares left out);
    /// one batch's index lists at a time.
    static func passShapes(_ batcher: Batcher, _ batches: EpochBatches, _ o: TrainingOptions)
        -> [(batch: Int, source: Int, target: Int)] {
        batches.flatMap { batch in
            batcher.shapes(batcher.shares(batch, count: o.shares ?? 1).filter { !$0.isEmpty }
                .flatMap { batcher.passes($0, maxTokens: o.passTokens ?? 0) })
        }
    }

    // MARK: Checkpoints

    /// A checkpoint (with Adam's moments, to resume), or with `optimizer`
    /// false the model alone (model.safetensors: a third of the size).
    func save(to path: String, optimizer: Bool = true) throws {
        let layout = model.layout
        let metadata = [
            "s2s.train.step": "\(step)", "s2s.train.epoch": "\(epoch)", "s2s.train.batch": "\(batchIndex)",
            "s2s.train.rng": "\(rng.state)", "s2s.train.best_score": "\(bestScore)",
            "s2s.train.bad_validations": "\(validationsWithoutImprovement)", "s2s.train.lr_multiplier": "\(decayMultiplier)",
        ].merging(trainingData.metadata) { a, _ in a }
        do {
            try withExtendedLifetime((model.parameters, update.m, update.v)) {
                try Checkpoint.save(
                    path: path, config: config.model, layout: layout, parameters: model.parameters.base,
                    extra: optimizer
                        ? Checkpoint.tensors(of: layout, in: update.m.base, prefix: "adam.m.")
                            + Checkpoint.tensors(of: layout, in: update.v.base, prefix: "adam.v.")
                        : [],
                    metadata: metadata)
            }
        } catch let error as FileError where error.isOutOfSpace {
            // The temporary file is gone again, so what is free now is what
            // the user has to work with.
            let folder = (path as NSString).deletingLastPathComponent
            throw TrainingError.diskFull(file: path, needed: Double(layout.count * 4 * (optimizer ? 3 : 1)),
                                         free: SystemMemory.freeDiskBytes(at: folder), step: step)
        }
    }

    func saveCheckpoint() throws {
        try save(to: folder.checkpointPath(step: step))
        folder.prune(keep: config.training.keepCheckpoints)
    }

    /// Loads the newest readable checkpoint; a corrupt or truncated one is
    /// reported and the previous one used. Returns the step resumed from.
    /// A checkpoint of other training data (`DataIdentity`) is an error,
    /// unless `newData`: then the data cursor restarts at the first batch.
    @discardableResult
    public func resume(newData: Bool = false) throws -> Int {
        var failures: [String] = []
        for path in folder.checkpoints() {
            do {
                let c = try Checkpoint.load(path: path)
                try c.check(config: config.model)
                let meta = c.metadata
                guard let s = meta["s2s.train.step"].flatMap(Int.init), let e = meta["s2s.train.epoch"].flatMap(Int.init),
                      let b = meta["s2s.train.batch"].flatMap(Int.init), let r = meta["s2s.train.rng"].flatMap(UInt64.init)
                else {
                    throw InputError(file: path, problem: "lacks the training state (step, epoch, batch, rng)")
                }
                try withExtendedLifetime((model.parameters, update.m, update.v)) {
                    try c.loadParameters(into: model.parameters.base, layout: model.layout)
                    try c.loadTensors(prefix: "adam.m.", into: update.m.base, layout: model.layout)
                    try c.loadTensors(prefix: "adam.v.", into: update.v.base, layout: model.layout)
                }
                let multiplier = meta["s2s.train.lr_multiplier"].flatMap(Double.init) ?? 1
                guard multiplier > 0 && multiplier <= 1 else {
                    throw InputError(file: path, problem: "has s2s.train.lr_multiplier \(multiplier), outside (0, 1]")
                }
                let recorded = DataIdentity(metadata: meta)
                // Hashed as the checkpoint hashed it (FNV-1a in older ones).
                let given = recorded?.fnv == true ? DataIdentity(batcher.shard, fnv: true) : trainingData
                let sameData = recorded.map { $0.sameContent(as: given) } ?? true
                if !sameData && !newData {
                    throw TrainingError.otherData(checkpoint: path, recorded: recorded!, given: given)
                }
                step = s; epoch = e; batchIndex = b; rng = SplitMix64(seed: r)
                bestScore = meta["s2s.train.best_score"].flatMap(Double.init) ?? -.infinity
                validationsWithoutImprovement = meta["s2s.train.bad_validations"].flatMap(Int.init) ?? 0
                decayMultiplier = multiplier
                log("resuming from \(path) (step \(s), epoch \(e + 1))")
                if newData && sameData && recorded != nil {
                    log("--new-data: \(trainingData.path) is the data the checkpoint was trained on; its data cursor is kept")
                } else if newData {
                    let was = recorded.map { "\($0.path) (\($0.pairs) pairs)" } ?? "the checkpoint's data"
                    log("--new-data: training on \(trainingData.path) (\(trainingData.pairs) pairs) instead of \(was); "
                        + "the data cursor restarts at epoch 1, batch 1 (it was at epoch \(e + 1), batch \(b + 1))")
                    epoch = 0; batchIndex = 0
                }
                return s
            } catch let error as TrainingError {
                throw error  // not the file's fault: the previous checkpoint would say the same
            } catch {
                log("warning: cannot use \(path): \(error); trying the previous checkpoint")
                failures.append("\((path as NSString).lastPathComponent): \(error)")
            }
        }
        throw TrainingError.nothingToResume(folder: folder.checkpointFolder, found: failures)
    }

    // MARK: The loop

    public struct Summary: Sendable {
        public var steps: Int
        public var interrupted: Bool
        public var lastLoss: Double
        /// The best validation score: −loss, BLEU or chrF (see TrainingOptions.bestMetric).
        public var bestScore: Double
    }

    public func run(resumedFrom resumed: Int?) throws -> Summary {
        // Every Float product of this run in its precision (validation's too).
        try KernelSettings(precision: config.training.precision == .bfloat16 ? .bfloat16 : .float32).run {
            try runLoop(resumedFrom: resumed)
        }
    }

    private func runLoop(resumedFrom resumed: Int?) throws -> Summary {
        let o = config.training
        let root = communicator.isRoot
        if root { runLog = try RunLog(path: folder.logPath, keepThroughStep: resumed ?? 0) }
        if !root { progress = ProgressBar(enabled: false) }
        try synchronizeStart()
        let n = model.layout.count
        var clock = Stopwatch()
        var elapsed = 0.0
        var windowTokens = 0, windowLoss = 0.0, windowTargets = 0, windowSeconds = 0.0
        var lastLoss = Double.nan
        var batches = batcher.epoch(epoch)
        // One workspace for the largest shapes of this epoch's passes (later
        // epochs mix differently and may still grow it, rarely).
        model.reserve(shapes: Self.passShapes(batcher, batches, o))
        var interrupted = false
        var wall = (o.maxWallSeconds ?? 0) > 0 ? WallClockLimit(start: processStart, seconds: o.maxWallSeconds!) : nil
        model.zeroGradients()

        while true {
            if o.maxEpochs > 0 && epoch >= o.maxEpochs { break }
            if batchIndex >= batches.count {
                epoch += 1
                batchIndex = 0
                if o.maxEpochs > 0 && epoch >= o.maxEpochs { break }
                batches = batcher.epoch(epoch)
                continue
            }
            if o.maxSteps > 0 && step >= o.maxSteps { break }
            var wallUp = false
            if let wall, root {
                // The validation that ends the run, when it is not this step's.
                let validates = valid != nil && (o.validEvery == 0 || step % o.validEvery != 0)
                let needed = wall.needed(checkpointBytes: Double(model.layout.count * 12), validates: validates,
                                         validationGuess: wall.lastUpdate * Double(valid?.count ?? 0) / Double(max(batches.first?.count ?? 1, 1)))
                let spent = wall.elapsed
                if spent + needed >= wall.seconds {
                    wallUp = true
                    log(String(format: "--max-wall-time %@: stopping after step %d, %@ in: another update, the checkpoint%@ need about %@",
                               Stopwatch.format(wall.seconds), step, Stopwatch.format(spent),
                               validates ? " and the final validation" : "", Stopwatch.format(needed)))
                }
            }
            let stop = try agreeToStop(timeUp: (o.maxSeconds > 0 && elapsed >= o.maxSeconds) || wallUp)
            if stop.timeUp { break }
            if stop.interrupted { interrupted = true; break }

            // The update's batches (--accumulate; the epoch's last update may
            // have fewer), cut into shares; this rank computes its own.
            let end = batchIndex + min(o.accumulate ?? 1, batches.count - batchIndex)
            let work = UpdateWork(batches: Array(batches[batchIndex..<end]), shares: o.shares ?? 1, batcher: batcher,
                                  seed: rng.next())
            batchIndex = end
            step += 1
            let ratio = o.teacherForcing.ratio(atStep: step)
            let chooser = MixedFeeding(goldProbability: ratio, sample: o.sampleOwnToken)
            // Gradients are zero here: zeroed once before the loop, then by
            // the optimizer's pass (Adam) or explicitly (SGD, skipped steps).
            let mine = computeGradients(work, chooser: chooser)
            // Σ loss, target tokens, source tokens over the ranks.
            var totals = [mine.result.loss, Double(mine.result.tokens), Double(mine.sourceTokens)]
            try communicator.sum(&totals)
            let loss = totals[0] / max(totals[1], 1)
            if !loss.isFinite {
                nonFiniteInARow += 1
                log("warning: step \(step): loss is \(loss); update skipped (\(nonFiniteInARow) in a row)")
                if nonFiniteInARow >= o.maxNonFinite {
                    throw TrainingError.nonFinite(step: step, count: nonFiniteInARow)
                }
                model.zeroGradients()
                continue
            }
            nonFiniteInARow = 0
            try communicator.sum(model.gradients.base, count: n)
            let norm = update.apply(learningRate: learningRate, step: step)
            lastLoss = loss
            let seconds = clock.lap()
            wall?.lastUpdate = seconds
            elapsed += seconds
            windowSeconds += seconds
            windowTokens += Int(totals[2] + totals[1])
            windowLoss += totals[0]
            windowTargets += Int(totals[1])
            progress.update(.init(step: step, epoch: epoch + 1, loss: loss,
                                  tokensPerSecond: Double(windowTokens) / max(windowSeconds, 1e-9),
                                  teacherForcing: ratio, elapsed: elapsed, maxSteps: o.maxSteps, maxSeconds: o.maxSeconds))

            if root && o.reportEvery > 0 && step % o.reportEvery == 0 {
                let mean = windowLoss / Double(max(windowTargets, 1))
                let record = TrainingRecord.train(.init(
                    step: step, epoch: epoch + 1, loss: mean, perplexity: Foundation.exp(mean),
                    tokensPerSecond: Double(windowTokens) / max(windowSeconds, 1e-9), learningRate: learningRate,
                    teacherForcing: ratio, gradientNorm: norm, elapsedSeconds: elapsed))
                try runLog?.append(record)
                onRecord(record)
                if !progress.enabled {
                    log(String(format: "step %d  epoch %d  loss %.4f  ppl %.2f  %.0f tok/s  tf %.2f",
                               step, epoch + 1, mean, Foundation.exp(mean), Double(windowTokens) / max(windowSeconds, 1e-9),
                               ratio))
                }
                windowTokens = 0; windowLoss = 0; windowTargets = 0; windowSeconds = 0
            }
            if o.validEvery > 0 && step % o.validEvery == 0 {
                if root { try validateAndKeepBest() }
                try broadcastState()  // the others take rank 0's learning-rate decay and early stop
                wall?.lastValidation = clock.lap()
            }
            if stopEarly {
                log("early stopping: \(validationsWithoutImprovement) validations without improvement")
                break
            }
            if o.saveEvery > 0 && step % o.saveEvery == 0 {
                try checkParametersAgree()
                if root { try saveCheckpoint() }
                wall?.lastSave = clock.lap()
            }
            _ = clock.lap()  // validation and saving are not training time
        }
        progress.finishLine()
        guard root else { return Summary(steps: step, interrupted: interrupted, lastLoss: lastLoss, bestScore: bestScore) }
        try saveCheckpoint()
        if valid != nil && (o.validEvery == 0 || step % o.validEvery != 0) { try validateAndKeepBest() }
        if !FileManager.default.fileExists(atPath: folder.bestPath) { try save(to: folder.bestPath, optimizer: false) }
        return Summary(steps: step, interrupted: interrupted, lastLoss: lastLoss, bestScore: bestScore)
    }

    /// This rank's part of an update's gradient, into model.gradients (zero
    /// on entry): for each of its shares, from zero, the sum over the
    /// update's batches of that share's passes; the shares' sums added in
    /// share order (see UpdateWork). Stops at the first non-finite loss: the
    /// update will be skipped.
    func computeGradients(_ work: UpdateWork, chooser: MixedFeeding)
        -> (result: SoftmaxCrossEntropy.Result, sourceTokens: Int) {
        let n = model.layout.count
        let passTokens = config.training.passTokens ?? 0
        var result = SoftmaxCrossEntropy.Result()
        var sourceTokens = 0
        for (position, s) in work.shares(ofRank: communicator.rank, size: communicator.size).enumerated() {
            if position > 0 {
                // The shares so far wait aside while this one starts from zero.
                shareSum.base.update(from: model.gradients.base, count: n)
                model.zeroGradients()
            }
            // The share's loss apart too, so that the ranks' sums group
            // like one process's: (share 0) + (share 1), not a running sum.
            var share = SoftmaxCrossEntropy.Result()
            var finite = true
            batches: for k in work.items.indices where !work.items[k][s].isEmpty {
                var generator = work.generator(batch: k, share: s)
                for pass in batcher.passes(work.items[k][s], maxTokens: passTokens).map(batcher.batch) {
                    let p = model.forward(pass, training: true, chooser: chooser, rng: &generator,
                                          gradientTokens: work.targetTokens)
                    share += p
                    sourceTokens += pass.sourceLengths.reduce(0) { $0 + Int($1) }
                    if !p.loss.isFinite { finite = false; break batches }
                    model.backward()
                }
            }
            result += share
            if !finite { return (result, sourceTokens) }
            if position > 0 {
                let g = model.gradients.base, earlier = shareSum.base
                for i in 0..<n { g[i] = earlier[i] + g[i] }
            }
        }
        return (result, sourceTokens)
    }

    /// Per-token loss, perplexity and accuracy on the validation shard (no
    /// dropout, teacher forcing); the best model so far is model.safetensors.
    func validateAndKeepBest() throws {
        guard let valid else { return }
        progress.finishLine()
        let evaluation = Batcher(shard: valid, maxTokens: 0, sentences: 64, seed: 0,
                                 reverseSource: config.model.reverseSource)
        var total = SoftmaxCrossEntropy.Result()
        var unused = SplitMix64(seed: 0)
        for start in stride(from: 0, to: valid.count, by: 64) {
            // In passes like training's (losses add up), so that validation
            // does not grow the activation memory beyond what training uses.
            for pass in evaluation.passes(Array(start..<min(start + 64, valid.count)), maxTokens: config.training.passTokens ?? 0) {
                total += model.forward(evaluation.batch(pass), training: false, rng: &unused)
            }
        }
        let loss = total.nll / Double(max(total.tokens, 1))
        let accuracy = Double(total.correct) / Double(max(total.tokens, 1))
        var validation = TrainingRecord.Validation(step: step, loss: loss, perplexity: Foundation.exp(loss), accuracy: accuracy)
        var message = String(format: "valid at step %d: loss %.4f  ppl %.2f  accuracy %.1f%%", step, loss,
                             Foundation.exp(loss), 100 * accuracy)
        var scores = ["loss": -loss]
        if let (bleu, chrf) = greedyScores(valid) {
            validation.bleu = bleu
            validation.chrF = chrf
            scores["bleu"] = bleu
            scores["chrf"] = chrf
            message += String(format: "  BLEU %.2f  chrF %.2f (greedy, %d sentences)", bleu, chrf,
                              min(config.training.bleuSentences, valid.count))
        }
        try runLog?.append(.valid(validation))
        onRecord(.valid(validation))
        log(message)
        if config.training.gradientFlow == true {
            // The (up to) 32 longest validation sentences: the same batch at
            // every validation, and of similar lengths, so that position t is
            // about as far from the end in every sentence averaged.
            let longest = (0..<valid.count).sorted { (valid.source($0).count, $1) > (valid.source($1).count, $0) }
            let flow = model.gradientFlow(evaluation.batch(Array(longest.prefix(32))))
            try runLog?.append(.gradientFlow(.init(step: step, norms: flow)))
        }
        try TrainingPlots.write(logPath: folder.logPath, to: folder.plotsFolder)
        let o = config.training
        let score = scores[o.bestMetric.rawValue] ?? -loss
        if score > bestScore {
            bestScore = score
            validationsWithoutImprovement = 0
            try save(to: folder.bestPath, optimizer: false)
        } else {
            validationsWithoutImprovement += 1
            if o.decayPatience > 0 && validationsWithoutImprovement % o.decayPatience == 0 {
                decayMultiplier *= o.decayFactor
                log(String(format: "no improvement in %d validations: learning rate now %.3g",
                           validationsWithoutImprovement, learningRate))
            }
            if o.earlyStopPatience > 0 && validationsWithoutImprovement >= o.earlyStopPatience { stopEarly = true }
        }
    }
}

extension Trainer {
    /// Corpus BLEU and chrF of greedy translations of the first validation
    /// sentences, against their references, both as detokenised text.
    func greedyScores(_ valid: TokenShard) -> (Double, Double)? {
        guard let vocabulary = targetVocabulary, config.training.bleuSentences > 0 else { return nil }
        let n = min(config.training.bleuSentences, valid.count)
        let sources = (0..<n).map { valid.source($0).map { Int32(bitPattern: $0) } }
        var hypotheses: [String] = []
        for start in stride(from: 0, to: n, by: 64) {
            let chunk = Array(sources[start..<min(start + 64, n)])
            hypotheses += GreedySearch.decode(model, sources: chunk).map { Self.text($0, vocabulary) }
        }
        let references = (0..<n).map { Self.text(valid.target($0).map { Int32(bitPattern: $0) }, vocabulary) }
        return (BLEU.corpus(hypotheses: hypotheses, references: references, tokenizer: folder.bleuTokenizer).score,
                ChrF.corpus(hypotheses: hypotheses, references: references))
    }

    /// Subword ids → text: specials dropped, BPE joined, joiners undone.
    static func text(_ ids: [Int32], _ vocabulary: Vocabulary) -> String {
        let tokens = ids.filter { $0 > SpecialTokens.eos }.map { vocabulary.token($0) }
        return Tokenizer.detokenize(BPE.join(tokens))
    }
}

public enum TrainingError: ExplainedError {
    case nonFinite(step: Int, count: Int)
    /// A checkpoint or the best model could not be written for want of space.
    case diskFull(file: String, needed: Double, free: Double?, step: Int)
    /// `--resume` found nothing to resume from.
    case nothingToResume(folder: String, found: [String])
    /// Data-parallel ranks whose parameters are no longer rank 0's.
    case ranksDiverged(step: Int, ranks: [Int])
    /// --resume on training data other than the checkpoint's, without --new-data.
    case otherData(checkpoint: String, recorded: DataIdentity, given: DataIdentity)

    public var file: String {
        switch self {
        case .nonFinite, .ranksDiverged: ""
        case .diskFull(let file, _, _, _): (file as NSString).deletingLastPathComponent
        case .nothingToResume(let folder, _): folder
        case .otherData(let checkpoint, _, _): checkpoint
        }
    }

    public var problem: String {
        switch self {
        case .nonFinite(let step, let count):
            "training stopped at step \(step): the loss was NaN or infinite \(count) times in a row; no poisoned checkpoint was written"
        case .diskFull(let file, let needed, let free, let step):
            "no space left to write \((file as NSString).lastPathComponent) at step \(step) "
                + "(it needs about \(SystemMemory.format(bytes: needed))\(free.map { ", \(SystemMemory.format(bytes: $0)) free" } ?? ""))"
        case .nothingToResume(_, let found):
            "nothing to resume from (\(found.isEmpty ? "no checkpoint files" : found.joined(separator: "; ")))"
        case .otherData(_, let recorded, let given):
            "was trained on \(recorded), but --data gives \(given)"
        case .ranksDiverged(let step, let ranks):
            "step \(step): the parameters of rank\(ranks.count == 1 ? "" : "s") \(ranks.map(String.init).joined(separator: ", ")) "
                + "differ from rank 0's, which every update should keep identical; no checkpoint of this step was written"
        }
    }

    public var hint: String {
        switch self {
        case .nonFinite:
            "Lower --learning-rate or --clip, and resume with --resume"
        case .diskFull:
            "Training stopped; the previous checkpoint and model.safetensors are intact. Free some space on that disk, "
                + "then continue with --resume"
        case .nothingToResume:
            "Nothing in the model folder was changed. Restore a checkpoint there, or train a new model in another --model folder"
        case .otherData:
            "Resume with the data the run was trained on, or add --new-data to continue on this data "
                + "(its data cursor restarts at the first batch)"
        case .ranksDiverged:
            "Check that every host runs the same s2s-train build on the same kind of CPU, then continue with --resume"
        }
    }

    public var systemError: Int32? {
        if case .diskFull = self { return ENOSPC }
        return nil
    }
}
