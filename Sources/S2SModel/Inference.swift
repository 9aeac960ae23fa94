import S2SCore
import S2SKernels

/// Encoded source sentences, as search needs them: the memory attention
/// reads, (sentences, S_m, H), its projected keys and lengths, plus which
/// sentence each row (hypothesis) reads. `select` repeats or reorders rows
/// (a beam of k hypotheses per sentence) by remapping rows only: the
/// encoder's states are never copied. The memory is shorter than the source
/// in a pyramidal encoder (one memory position covers `coverage` source
/// positions); steps report attention over the source positions.
public struct EncodedSource<T: Real>: Sendable {
    public var rows: Int { rowSentence.count }
    /// Source positions (as encoded, `<EOS>` included) of the longest sentence,
    /// and per sentence.
    public let sourceLength: Int
    public let lengths: [Int32]
    /// The memory's positions: the longest and per sentence.
    let memoryLength: Int
    let memoryLengths: [Int32]
    /// Source positions per memory position (1, or 2^(L−1) in a pyramid).
    let coverage: Int
    let hidden: Int
    let keyWidth: Int
    let memory: [T]  // (sentences, memoryLength, H)
    let keys: [T]    // (sentences, memoryLength, keyWidth); empty for none/dot
    /// The sentence of each row.
    public let rowSentence: [Int32]

    public func select(_ indices: [Int]) -> EncodedSource {
        EncodedSource(sourceLength: sourceLength, lengths: lengths, memoryLength: memoryLength, memoryLengths: memoryLengths,
                      coverage: coverage, hidden: hidden, keyWidth: keyWidth, memory: memory, keys: keys,
                      rowSentence: indices.map { rowSentence[$0] })
    }

    /// The sentences of several encodings (one row each, in order), padded
    /// to the longest memory; padding positions are masked by the lengths.
    static func concatenate(_ parts: [EncodedSource]) -> EncodedSource {
        let M = parts.map(\.memoryLength).max() ?? 0
        let first = parts[0], H = first.hidden, K = first.keyWidth
        let sentences = parts.reduce(0) { $0 + $1.lengths.count }
        // Each sentence's m positions of `width` values, then zeros up to M.
        func stack(_ values: KeyPath<EncodedSource, [T]>, width: Int) -> [T] {
            [T](unsafeUninitializedCapacity: sentences * M * width) { out, count in
                var to = out.baseAddress!
                for p in parts {
                    let m = p.memoryLength
                    p[keyPath: values].withUnsafeBufferPointer { from in
                        for b in 0..<p.lengths.count {
                            to.initialize(from: from.baseAddress! + b * m * width, count: m * width)
                            (to + m * width).initialize(repeating: 0, count: (M - m) * width)
                            to += M * width
                        }
                    }
                }
                count = sentences * M * width
            }
        }
        let memory = stack(\.memory, width: H), keys = K > 0 ? stack(\.keys, width: K) : []
        let lengths = parts.flatMap(\.lengths), memoryLengths = parts.flatMap(\.memoryLengths)
        return EncodedSource(sourceLength: parts.map(\.sourceLength).max() ?? 0, lengths: lengths, memoryLength: M,
                             memoryLengths: memoryLengths, coverage: first.coverage, hidden: H, keyWidth: K,
                             memory: memory, keys: keys, rowSentence: (0..<lengths.count).map(Int32.init))
    }

    /// Attention over the memory, (rows, memoryLength), as attention over the
    /// source positions, (rows, sourceLength): each memory position's weight
    /// shared equally by the source positions it covers (rows still sum to 1).
    func attentionOverSource(_ alpha: [T]) -> [T] {
        if coverage == 1 { return alpha }
        var out = [T](repeating: 0, count: rows * sourceLength)
        for r in 0..<rows {
            let n = Int(lengths[Int(rowSentence[r])])
            for j in 0..<Int(memoryLengths[Int(rowSentence[r])]) {
                let first = j * coverage, end = min(first + coverage, n)
                guard first < end else { continue }
                let share = alpha[r * memoryLength + j] / T(end - first)
                for p in first..<end { out[r * sourceLength + p] = share }
            }
        }
        return out
    }
}

/// The decoder's recurrent state for `rows` hypotheses: h (and c) per layer
/// and the previous attentional vector h̃ (input feeding), in one block laid
/// out [h_0 … h_{L−1}, c_0 … c_{L−1}, h̃], each (rows, H), written once (by
/// `encode`, a step or `select`) and then only read. It carries the
/// search's scratch (`DecoderScratch`), which its steps work in.
public struct DecoderState<T: Real>: Sendable {
    public let rows: Int
    let hidden: Int
    let layers: Int
    private let storage: StateStorage<T>
    let scratch: DecoderScratch<T>

    /// A state to be written: c zero for cells without memory (never read).
    init(rows: Int, hidden: Int, layers: Int, scratch: DecoderScratch<T>) {
        self.rows = rows
        self.hidden = hidden
        self.layers = layers
        self.scratch = scratch
        storage = StateStorage(count: (2 * layers + 1) * rows * hidden)
        if !scratch.config.cell.kind.hasMemory { storage.base.update(repeating: 0, count: (2 * layers + 1) * rows * hidden) }
    }

    /// (rows, H) h of layer k, c of layer k, and h̃.
    func h(_ k: Int) -> UnsafeMutablePointer<T> { storage.base + k * rows * hidden }
    func c(_ k: Int) -> UnsafeMutablePointer<T> { storage.base + (layers + k) * rows * hidden }
    var feed: UnsafeMutablePointer<T> { storage.base + 2 * layers * rows * hidden }

    /// A state of the same model and search with these rows (repeated or reordered).
    public func select(_ indices: [Int]) -> DecoderState {
        let out = DecoderState(rows: indices.count, hidden: hidden, layers: layers, scratch: scratch)
        for block in 0..<(2 * layers + 1) {
            let from = storage.base + block * rows * hidden, to = out.storage.base + block * indices.count * hidden
            for (r, i) in indices.enumerated() { (to + r * hidden).update(from: from + i * hidden, count: hidden) }
        }
        return out
    }

    /// The rows of several states, in order (a search of its own).
    static func concatenate(_ parts: [DecoderState]) -> DecoderState {
        let first = parts[0]
        let out = DecoderState(rows: parts.reduce(0) { $0 + $1.rows }, hidden: first.hidden, layers: first.layers,
                               scratch: DecoderScratch(like: first.scratch))
        for block in 0..<(2 * first.layers + 1) {
            var to = out.storage.base + block * out.rows * first.hidden
            for p in parts {
                to.update(from: p.storage.base + block * p.rows * p.hidden, count: p.rows * p.hidden)
                to += p.rows * p.hidden
            }
        }
        return out
    }
}

/// A state's memory, freed with the last state that holds it.
final class StateStorage<T: Real>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(count: Int) { base = .allocate(capacity: max(count, 1)) }
    deinit { base.deallocate() }
}

/// One decoder step's result for every row.
public struct StepOutput<T: Real>: Sendable {
    /// (rows, V) log p(y_t | y_<t, x).
    public var logProbs: [T]
    /// (rows, S) attention weights over source positions (as encoded: reversed
    /// when the model reverses its input; a pyramid's memory positions shared
    /// among the source positions they cover); zeros with attention none.
    public var attention: [T]
    public var state: DecoderState<T>
}

/// The step-wise API that search uses: encode once, then one step at a time.
extension Seq2Seq {
    /// Encodes source sentences (ids without specials) and returns what the
    /// decoder needs, with the bridged initial state.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func encode(_ sources: [[Int32]]) -> (EncodedSource<T>, DecoderState<T>) {
        // Translating during training (validation BLEU): the parameters may
        // have changed since the training packs were last packed, and the
        // encodings share the packs, so they run one at a time in the
        // training workspace. Otherwise each works in a pooled workspace.
        encodeLock.lock()
        let alone = trainingPacks != nil
        trainingPacks?.refresh()
        if !alone { encodeLock.unlock() }
        defer { if alone { encodeLock.unlock() } }
        // A large batch is encoded a few sentences at a time: the encoder's
        // forward keeps every layer's gates for a backward that inference
        // never runs, so its workspace grows with the sentences encoded at once.
        let encoded: (EncodedSource<T>, DecoderState<T>)
        if sources.count > Self.encodeChunk {
            let parts = stride(from: 0, to: sources.count, by: Self.encodeChunk).map {
                encodeAll(Array(sources[$0..<min($0 + Self.encodeChunk, sources.count)]), pooled: !alone)
            }
            encoded = (EncodedSource.concatenate(parts.map(\.0)), DecoderState.concatenate(parts.map(\.1)))
        } else {
            encoded = encodeAll(sources, pooled: !alone)
        }
        // A shortlist: this search's output layer over its batch's candidates only.
        if let pick = outputCandidates { encoded.1.scratch.output = OutputLayer(self, tokens: pick(sources)) }
        return encoded
    }

    /// Sentences encoded in one pass by `encode`.
    static var encodeChunk: Int { 8 }

    /// Encodes `sources` in one pass, in a workspace of `encodeWorkspaces`
    /// (`pooled`) or in `workspace`.
    func encodeAll(_ sources: [[Int32]], pooled: Bool) -> (EncodedSource<T>, DecoderState<T>) {
        let batch = Batch(sources: sources, reverseSource: config.reverseSource)
        let w = pooled
            ? encodeWorkspaces.take(fitting: WorkspaceCapacity(B: batch.batchSize, S: batch.sourceLength, T: batch.targetLength)) {
                Workspace<T>(config: config, layout: layout, capacity: $0, params: parameters.base, grads: gradients.base,
                             packs: recurrentPacks)
            }
            : workspace(for: batch)
        defer { if pooled { encodeWorkspaces.give(w) } }
        let B = batch.batchSize, H = config.hiddenSize
        var rng = SplitMix64(seed: 0)  // no dropout at inference: never drawn from
        encodeForward(w, batch, training: false, rng: &rng)
        let M = w.memoryLength
        prepareAttentionKeys(w, B: B, S: M)
        bridgeForward(w, B: B)
        let keyWidth = config.attention.kind.keyWidth(hidden: H, attentionSize: config.effectiveAttentionSize)
        let source = EncodedSource<T>(
            sourceLength: batch.sourceLength, lengths: batch.sourceLengths, memoryLength: M,
            memoryLengths: Array(UnsafeBufferPointer(start: w.srcLengths, count: B)), coverage: config.memoryCoverage,
            hidden: H, keyWidth: keyWidth,
            memory: Array(UnsafeBufferPointer(start: w.memory, count: B * M * H)),
            keys: Array(UnsafeBufferPointer(start: w.keys, count: B * M * keyWidth)),
            rowSentence: (0..<B).map(Int32.init))
        let state = DecoderState<T>(rows: B, hidden: H, layers: config.layers, scratch: DecoderScratch(self))
        for (k, layer) in w.decLayers.enumerated() {
            state.h(k).update(from: layer.h(0, B), count: B * H)
            state.c(k).update(from: layer.c(0, B), count: B * H)
        }
        state.feed.update(repeating: 0, count: B * H)
        return (source, state)
    }

    /// One decoder step for every row: `previous` holds y_{t−1} per row
    /// (`<s>` at the first step); row r attends over source row r.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func step(_ previous: [Int32], state: DecoderState<T>, source: EncodedSource<T>) -> StepOutput<T> {
        let N = state.rows
        precondition(previous.count == N && source.rows == N, "step: rows of tokens, state and source differ")
        let E = config.embeddingSize, V = config.targetVocabularySize, S = source.memoryLength
        let scratch = state.scratch
        scratch.reserve(rows: N, memory: S)
        let next = DecoderState(rows: N, hidden: state.hidden, layers: state.layers, scratch: scratch)
        // Layer 0's input: emb(y_{t−1}), unless its gates come from the packed decoder's table.
        if packedDecoder?.layers[0].embedding == nil {
            Embedding.forward(out: scratch.inputs[0], ids: previous, table: parameter("decoder.embedding"), count: N, dim: E)
        }
        var rng = SplitMix64(seed: 0)  // no dropout in search: never drawn from
        previous.withUnsafeBufferPointer { tokens in
        source.rowSentence.withUnsafeBufferPointer { rows in
            source.memoryLengths.withUnsafeBufferPointer { lengths in
                source.memory.withUnsafeBufferPointer { memory in
                    source.keys.withUnsafeBufferPointer { keys in
                        // Kinds without projected keys read the memory (dot) or nothing.
                        decoderStep(SearchStepMemory(model: self, scratch: scratch, previous: state, next: next,
                                                     source: source, rowSentence: rows.baseAddress!,
                                                     memoryLengths: lengths.baseAddress!,
                                                     keys: keys.isEmpty ? memory.baseAddress! : keys.baseAddress!,
                                                     memory: memory.baseAddress!, tokens: tokens.baseAddress!),
                                     rng: &rng)
                    }
                }
            }
        }
        }
        // The output layer on h̃_t, into the scratch's log-probabilities.
        scratch.output.logProbabilities(scratch, next.feed, rows: N, vocabulary: V)
        let alpha = config.attention.attends ? Array(UnsafeBufferPointer(start: scratch.alpha, count: N * S))
            : [T](repeating: 0, count: N * S)
        return StepOutput(logProbs: scratch.logProbs, attention: source.attentionOverSource(alpha), state: next)
    }
}

/// Each of `rows` rows of `count` values: z ← z − log Σ exp z, the rows
/// split over the threads (a row of a few thousand values is ~µs of work).
func logSoftmaxRows<T: Real>(_ z: UnsafeMutablePointer<T>, rows: Int, count: Int) {
    let zs = UnsafeSendable(z)
    Parallel.ranges(rows, parts: KernelThreads.current, minimum: max(1, 4096 / max(count, 1))) { rows in
        for r in rows { logSoftmaxInPlace(zs.pointer + r * count, count: count) }
    }
}

/// z ← z − log Σ exp z.
func logSoftmaxInPlace<T: Real>(_ z: UnsafeMutablePointer<T>, count: Int) {
    let lse: T, m = T.maxAndArgmax(z, count: count).0
    if T.self == Float.self {
        let zf = UnsafeRawPointer(z).assumingMemoryBound(to: Float.self)
        lse = T(Double(m) + Double.log(VectorFloat.sumExp(zf, shift: Float(m), count: count)))
    } else {
        var sum: T = 0
        for k in 0..<count { sum += T.exp(z[k] - m) }
        lse = m + T.log(sum)
    }
    for k in 0..<count { z[k] -= lse }
}
