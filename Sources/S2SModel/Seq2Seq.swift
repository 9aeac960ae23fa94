import Foundation
import S2SCore
import S2SKernels

/// The encoder–decoder model (docs/DEVELOPING.md, Code layout): embeddings, an L-layer
/// LSTM/GRU encoder (uni- or bidirectional), a bridge, an L-layer decoder with
/// optional input feeding and attention, and the output softmax.
///
/// Training use, per step:
///
///     model.zeroGradients()
///     let r = model.forward(batch, training: true, rng: &rng)   // loss; output-layer gradients
///     model.backward()                                          // all other gradients
///     (clip, optimizer step over model.parameters / model.gradients)
///
/// Parameters and gradients are one flat buffer each (`layout` names the
/// views). Generic over the scalar: Float for work, Double for the
/// finite-difference checks.
public final class Seq2Seq<T: Real> {
    public let config: ModelConfig
    public let layout: ParameterLayout
    public let parameters: Arena<T>
    public let gradients: Arena<T>
    var workspace: Workspace<T>?
    /// `encode` works in a workspace of `encodeWorkspaces`, so searches on
    /// several threads encode side by side; with training packs (translating
    /// during training) it repacks them and works in `workspace`, one caller
    /// at a time under `encodeLock`. `step` only reads the model, so
    /// searches on several threads share one model.
    let encodeLock = NSLock()
    let encodeWorkspaces = WorkspacePool<T>()
    /// The decoder's weights packed for small decoding steps (Float models,
    /// after `packForDecoding()`); nil: every product goes through OpenBLAS.
    var packedDecoder: PackedDecoder?
    /// The encoder layers' U packed by `packForDecoding`, or every layer's
    /// training packs (`trainingPacks.layers`); workspaces made while they
    /// exist hand them to their layers.
    var recurrentPacks: [String: RecurrentPack] = [:] {
        didSet { encodeWorkspaces.removeAll() }  // their layers hold the old packs
    }
    /// The per-step weights packed for training (see `TrainingPacks`), made
    /// by the first forward of a Float model on an AVX-512 CPU.
    var trainingPacks: TrainingPacks?
    /// The target tokens a search may produce, picked per batch of sources
    /// (`restrictOutput`: a lexical shortlist); nil: the whole vocabulary.
    var outputCandidates: (@Sendable ([[Int32]]) -> [Int32])?
    /// What `packForDecoding(.auto)` measured: per product, each
    /// path's seconds at its rows.
    public internal(set) var decodingTimings: [(name: String, timings: [(path: DecodingMatrix.Path, seconds: Double)])] = []
    /// How the encoder's products run when translating, by name (`encoder
    /// U`, `encoder W`: its per-step and input products), as
    /// `packForDecoding` chose them; empty when not packed.
    public internal(set) var encoderPlan: [(name: String, path: DecodingMatrix.Path)] = []
    /// The precision of whole-sequence products when translating (the
    /// encoder's input projections unless packed, the attention's keys), as
    /// `packForDecoding` chose it: the translator binds it for each search
    /// (`KernelSettings.precision`).
    public internal(set) var wholeSequencePrecision: PackedMatrix.Precision = .float32
    /// Whether forward and backward use `TrainingPacks` where the CPU has
    /// the packed kernel (off: every product through OpenBLAS, as a Double
    /// model does). The benchmark and the tests compare the two.
    public var packsTrainingWeights = true {
        didSet { if !packsTrainingWeights { dropTrainingPacks() } }
    }

    /// Off while `gradientFlow` measures (dropout would add noise).
    var dropoutActive = true
    /// (S, B) squared gradient norms while `gradientFlow` measures, else nil.
    var gradientFlowSquares: [Double]?

    // What the last forward saw (for backward).
    var lastBatch: Batch?
    var lastTraining = false
    var lastTokens = 0

    public init(config: ModelConfig) throws(ModelConfig.Invalid) {
        try config.validate()
        self.config = config
        layout = ParameterLayout(config: config)
        parameters = Arena<T>(capacity: layout.count)
        gradients = Arena<T>(capacity: layout.count)
    }

    public var parameterCount: Int { layout.entries.reduce(0) { $0 + $1.count } }

    /// A view of one named parameter tensor.
    public func parameter(_ name: String) -> UnsafeMutablePointer<T> { parameters.base + layout.offset(name) }
    public func gradient(_ name: String) -> UnsafeMutablePointer<T> { gradients.base + layout.offset(name) }

    /// Uniform(−scale, scale) for every weight (OpenNMT's default 0.1), zero
    /// biases except the LSTM forget gate's (1, so that memory is kept early in
    /// training), and zero padding embeddings. All from the seeded generator.
    public func initialize(seed: UInt64, scale: Double = 0.1) {
        var rng = SplitMix64(seed: seed)
        parameters.zero()
        for e in layout.entries {
            let p = parameters.base + e.offset
            let isBias = e.name.hasSuffix(".b") || e.name.hasSuffix(".b_h")
            if !isBias {
                for k in 0..<e.count { p[k] = T((rng.nextDouble() * 2 - 1) * scale) }
            }
            if e.name.hasSuffix("embedding") {
                p.update(repeating: 0, count: e.shape[1])  // <pad> row
            }
            let recurrentBias = (e.name.hasPrefix("encoder.l") || e.name.hasPrefix("decoder.l")) && e.name.hasSuffix(".b")
            if recurrentBias {
                config.cell.kind.initializeBias(p, hidden: e.count / config.gateCount)
            }
        }
    }

    public func zeroGradients() { gradients.zero() }

    /// Sizes the activation memory once for every batch shape to come
    /// (sentences, source and target lengths with <EOS>), so that training
    /// does not regrow it, and re-zero it, whenever a larger batch appears.
    public func reserve(shapes: [(batch: Int, source: Int, target: Int)]) {
        guard var capacity = shapes.first.map({ WorkspaceCapacity(B: $0.batch, S: $0.source, T: $0.target) }) else { return }
        for s in shapes.dropFirst() { capacity = capacity.union(WorkspaceCapacity(B: s.batch, S: s.source, T: s.target)) }
        if let w = workspace, w.fits(capacity) { return }
        if let w = workspace { capacity = capacity.union(w.capacity) }
        workspace = nil
        workspace = Workspace<T>(config: config, layout: layout, capacity: capacity,
                                 params: parameters.base, grads: gradients.base, packs: recurrentPacks)
    }

    func workspace(for batch: Batch) -> Workspace<T> {
        let need = WorkspaceCapacity(B: batch.batchSize, S: batch.sourceLength, T: batch.targetLength)
        if let w = workspace, w.fits(need) { return w }
        let capacity = workspace.map { $0.capacity.union(need) } ?? need
        workspace = nil  // free the old one first: peak memory is one workspace
        let w = Workspace<T>(config: config, layout: layout, capacity: capacity,
                             params: parameters.base, grads: gradients.base, packs: recurrentPacks)
        workspace = w
        return w
    }

    /// Runs the model on a batch and returns the loss over its target tokens.
    /// With `training`, dropout is on and the output layer's gradients (of the
    /// mean loss per target token) are added into `gradients`; call
    /// `backward()` next for the rest. `chooser` picks gold or own tokens as
    /// decoder inputs (scheduled sampling); `rng` drives dropout and sampling.
    ///
    /// `gradientTokens` divides the gradients instead of this batch's target
    /// tokens: the whole batch's count when the batch is run in passes whose
    /// gradients add up to the batch's mean.
    @discardableResult
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forward(_ batch: Batch, training: Bool, chooser: InputChooser = TeacherForcing(),
                        rng: inout SplitMix64, gradientTokens: Int? = nil) -> SoftmaxCrossEntropy.Result {
        if training || trainingPacks != nil { prepareTrainingPacks() }
        let w = workspace(for: batch)
        lastBatch = batch
        lastTraining = training
        lastTokens = gradientTokens ?? batch.targetTokens
        encodeForward(w, batch, training: training, rng: &rng)
        var chooser = chooser
        decodeForward(w, batch, training: training, chooser: &chooser, rng: &rng)
        return outputLayer(w, batch, training: training)
    }

    /// Backpropagates the last training forward through decoder, attention,
    /// bridge and encoder, adding into `gradients`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func backward() {
        guard let batch = lastBatch, lastTraining, let w = workspace else {
            preconditionFailure("backward() needs a preceding forward(training: true)")
        }
        decodeBackward(w, batch)
        encodeBackward(w, batch)
    }

    /// The tokens the decoder was fed in the last forward, (T, B) time-major.
    public var lastFedTokens: [Int32] {
        guard let w = workspace, let b = lastBatch else { return [] }
        return Array(UnsafeBufferPointer(start: w.fedIds, count: b.targetLength * b.batchSize))
    }
}

extension Seq2Seq {
    /// Before a forward that may follow an update: what `packForDecoding`
    /// packed goes (training changes the parameters), and the training packs
    /// are made (once) and repacked from the current parameters.
    func prepareTrainingPacks() {
        if packedDecoder != nil || (trainingPacks == nil && !recurrentPacks.isEmpty) {
            packedDecoder = nil
            recurrentPacks = [:]
            workspace = nil
        }
        guard packsTrainingWeights, T.self == Float.self, CPUFeatures.current.contains(.avx512) else { return }
        // The packs follow the products' precision (training in bfloat16 packs in bfloat16).
        let precision = Matmul.precision
        if trainingPacks == nil || trainingPacks!.precision != precision {
            let p = UnsafeRawPointer(parameters.base).assumingMemoryBound(to: Float.self)
            let packs = TrainingPacks(config: config, layout: layout, parameters: p, precision: precision)
            trainingPacks = packs
            recurrentPacks = packs.layers
            rebuildWorkspace()
        }
        trainingPacks!.refresh()
    }

    /// Back to OpenBLAS for every product.
    func dropTrainingPacks() {
        guard trainingPacks != nil else { return }
        trainingPacks = nil
        recurrentPacks = [:]
        rebuildWorkspace()
    }

    /// A new workspace of the same capacity (what `reserve` sized), whose
    /// layers get the current `recurrentPacks`.
    private func rebuildWorkspace() {
        guard let capacity = workspace?.capacity else { return }
        workspace = nil  // peak memory: one workspace
        workspace = Workspace<T>(config: config, layout: layout, capacity: capacity,
                                 params: parameters.base, grads: gradients.base, packs: recurrentPacks)
    }
}
