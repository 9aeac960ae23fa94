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
        func pad(_ values: [T], sentences: Int, from m: Int, width: Int) -> [T] {
            if m == M { return values }
            var out = [T](repeating: 0, count: sentences * M * width)
            for b in 0..<sentences {
                out.replaceSubrange((b * M * width)..<((b * M + m) * width),
                                    with: values[(b * m * width)..<((b + 1) * m * width)])
            }
            return out
        }
        var memory: [T] = [], keys: [T] = [], lengths: [Int32] = [], memoryLengths: [Int32] = []
        for p in parts {
            let n = p.lengths.count
            memory += pad(p.memory, sentences: n, from: p.memoryLength, width: H)
            if K > 0 { keys += pad(p.keys, sentences: n, from: p.memoryLength, width: K) }
            lengths += p.lengths
            memoryLengths += p.memoryLengths
        }
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
/// and the previous attentional vector h̃ (input feeding).
public struct DecoderState<T: Real>: Sendable {
    public let rows: Int
    let hidden: Int
    var h: [[T]]   // per layer (rows, H)
    var c: [[T]]   // per layer (rows, H); LSTM only
    var feed: [T]  // (rows, H)

    public func select(_ indices: [Int]) -> DecoderState {
        func gather(_ a: [T]) -> [T] {
            var out = [T](); out.reserveCapacity(indices.count * hidden)
            for i in indices { out += a[(i * hidden)..<((i + 1) * hidden)] }
            return out
        }
        return DecoderState(rows: indices.count, hidden: hidden, h: h.map(gather), c: c.map(gather), feed: gather(feed))
    }

    /// The rows of several states, in order.
    static func concatenate(_ parts: [DecoderState]) -> DecoderState {
        let first = parts[0]
        return DecoderState(rows: parts.reduce(0) { $0 + $1.rows }, hidden: first.hidden,
                            h: first.h.indices.map { k in parts.flatMap { $0.h[k] } },
                            c: first.c.indices.map { k in parts.flatMap { $0.c[k] } },
                            feed: parts.flatMap(\.feed))
    }
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
        encodeLock.lock()
        defer { encodeLock.unlock() }
        // Translating during training (validation BLEU): the parameters may
        // have changed since the training packs were last packed.
        trainingPacks?.refresh()
        // A large batch is encoded a few sentences at a time: the encoder's
        // forward keeps every layer's gates for a backward that inference
        // never runs, so its workspace grows with the sentences encoded at once.
        if sources.count > Self.encodeChunk {
            let parts = stride(from: 0, to: sources.count, by: Self.encodeChunk).map {
                encodeAll(Array(sources[$0..<min($0 + Self.encodeChunk, sources.count)]))
            }
            return (EncodedSource.concatenate(parts.map(\.0)), DecoderState.concatenate(parts.map(\.1)))
        }
        return encodeAll(sources)
    }

    /// Sentences encoded in one pass by `encode`.
    static var encodeChunk: Int { 8 }

    func encodeAll(_ sources: [[Int32]]) -> (EncodedSource<T>, DecoderState<T>) {
        let batch = Batch(sources: sources, reverseSource: config.reverseSource)
        let w = workspace(for: batch)
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
        let state = DecoderState<T>(
            rows: B, hidden: H,
            h: w.decLayers.map { Array(UnsafeBufferPointer(start: $0.h(0, B), count: B * H)) },
            c: w.decLayers.map { Array(UnsafeBufferPointer(start: $0.c(0, B), count: B * H)) },
            feed: [T](repeating: 0, count: B * H))
        return (source, state)
    }

    /// One decoder step for every row: `previous` holds y_{t−1} per row
    /// (`<s>` at the first step); row r attends over source row r.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func step(_ previous: [Int32], state: DecoderState<T>, source: EncodedSource<T>) -> StepOutput<T> {
        let N = state.rows
        precondition(previous.count == N && source.rows == N, "step: rows of tokens, state and source differ")
        let E = config.embeddingSize, H = config.hiddenSize, V = config.targetVocabularySize
        let S = source.memoryLength, G = config.gateCount, g = G * H
        var next = state
        var x = [T](repeating: 0, count: N * E)
        Embedding.forward(out: &x, ids: previous, table: parameter("decoder.embedding"), count: N, dim: E)
        var input = x, inputWidth = E
        let kind = config.cell.kind, apart = kind.keepsRecurrentApart
        var proj = [T](repeating: 0, count: N * g), rec = apart ? proj : []
        var cache = [T](repeating: 0, count: N * kind.cacheWidth(hidden: H))
        let packed = packedDecoder
        for k in 0..<config.layers {
            let p = "decoder.l\(k)"
            let W = parameter("\(p).W"), U = parameter("\(p).U"), b = parameter("\(p).b")
            for r in 0..<N { for j in 0..<g { proj[r * g + j] = b[j] } }
            let feeds = k == 0 && config.inputFeeding
            if let packed {
                // One pass over the packed weights: [x; h̃ (input feeding); h (unless kept apart)].
                var parts: [(values: [T], width: Int)] = [(input, inputWidth)]
                if feeds { parts.append((state.feed, H)) }
                if !apart { parts.append((state.h[k], H)) }
                let a = Self.concatenateRows(parts, rows: N)
                packed.layers[k].gates.multiply(into: &proj, a, rows: N, accumulate: true)
            } else {
                Matmul.gemm(&proj, input, W, m: N, n: g, k: inputWidth, beta: 1)
                if feeds { Matmul.gemm(&proj, state.feed, W + E * g, m: N, n: g, k: H, beta: 1) }
                if !apart { Matmul.gemm(&proj, state.h[k], U, m: N, n: g, k: H, beta: 1) }
            }
            if apart {
                // h·U + b_h, kept apart from the gates (GRU).
                let bh = parameter("\(p).b_h")
                for r in 0..<N { for j in 0..<g { rec[r * g + j] = bh[j] } }
                if let recurrent = packed?.layers[k].recurrent {
                    recurrent.multiply(into: &rec, state.h[k], rows: N, accumulate: true)
                } else {
                    Matmul.gemm(&rec, state.h[k], U, m: N, n: g, k: H, beta: 1)
                }
            }
            var h = [T](repeating: 0, count: N * H), c = h
            proj.withUnsafeMutableBufferPointer { gates in
                rec.withUnsafeBufferPointer { rec in
                    cache.withUnsafeMutableBufferPointer { cache in
                        state.h[k].withUnsafeBufferPointer { hPrev in
                            state.c[k].withUnsafeBufferPointer { cPrev in
                                h.withUnsafeMutableBufferPointer { h in
                                    c.withUnsafeMutableBufferPointer { c in
                                        config.cell.forward(CellStep(h: h.baseAddress!, c: c.baseAddress!, hPrev: hPrev.baseAddress!,
                                                              cPrev: cPrev.baseAddress!, gates: gates.baseAddress!,
                                                              recurrent: apart ? rec.baseAddress : nil,
                                                              cache: cache.isEmpty ? nil : cache.baseAddress,
                                                              mask: nil, batch: N, hidden: H, threads: 1))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if kind.hasMemory { next.c[k] = c }
            next.h[k] = h
            // The layer's output: h, plus its input with residual connections.
            if config.residual && k > 0 {
                for j in 0..<(N * H) { input[j] += h[j] }
            } else {
                input = h
            }
            inputWidth = H
        }

        // Attention over each row's source (the query: the top layer's output), then h̃.
        let top = input
        var alpha = [T](repeating: 0, count: N * S)
        var htilde = top
        let attention = config.attention
        if attention.attends {
            var ctx = [T](repeating: 0, count: N * H)
            let A = config.effectiveAttentionSize
            var pq = [T](repeating: 0, count: N * A)
            alpha.withUnsafeMutableBufferPointer { alpha in
                ctx.withUnsafeMutableBufferPointer { ctx in
                    pq.withUnsafeMutableBufferPointer { pq in
                        top.withUnsafeBufferPointer { query in
                            source.memory.withUnsafeBufferPointer { memory in
                                source.keys.withUnsafeBufferPointer { keys in
                                    source.memoryLengths.withUnsafeBufferPointer { lengths in
                                        source.rowSentence.withUnsafeBufferPointer { rows in
                                            // Kinds without projected keys read the memory (dot) or nothing.
                                            attention.forward(self, AttentionStep(
                                                alpha: alpha.baseAddress!, context: ctx.baseAddress!, query: query.baseAddress!,
                                                keys: keys.isEmpty ? memory.baseAddress! : keys.baseAddress!,
                                                memory: memory.baseAddress!, lengths: lengths.baseAddress!,
                                                sourceRow: rows.baseAddress, projectedQuery: pq.baseAddress!,
                                                batch: N, srcLen: S, hidden: H, attentionSize: A, threads: 1))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var cat = [T](repeating: 0, count: N * 2 * H)
            attentionalVector(&htilde, cat: &cat, context: ctx, h: top, rows: N, packed: packed?.wc)
        }
        next.feed = htilde

        var logProbs = [T](repeating: 0, count: N * V)
        logProbs.withUnsafeMutableBufferPointer { out in
            if let output = packed?.output {
                let bias = parameter("output.b")
                for r in 0..<N { (out.baseAddress! + r * V).update(from: bias, count: V) }
                output.multiply(into: out.baseAddress!, htilde, rows: N, accumulate: true)
            } else {
                projectOutput(out.baseAddress!, htilde, rows: N)
            }
            for r in 0..<N { logSoftmaxInPlace(out.baseAddress! + r * V, count: V) }
        }
        return StepOutput(logProbs: logProbs, attention: source.attentionOverSource(alpha), state: next)
    }
}

extension Seq2Seq {
    /// Row r of the result is row r of each part, side by side: (rows, Σ widths).
    static func concatenateRows(_ parts: [(values: [T], width: Int)], rows: Int) -> [T] {
        let total = parts.reduce(0) { $0 + $1.width }
        var out = [T](repeating: 0, count: rows * total)
        out.withUnsafeMutableBufferPointer { o in
            var column = 0
            for part in parts {
                part.values.withUnsafeBufferPointer { v in
                    for r in 0..<rows {
                        (o.baseAddress! + r * total + column).update(from: v.baseAddress! + r * part.width, count: part.width)
                    }
                }
                column += part.width
            }
        }
        return out
    }
}

/// z ← z − log Σ exp z.
func logSoftmaxInPlace<T: Real>(_ z: UnsafeMutablePointer<T>, count: Int) {
    let lse: T
    if T.self == Float.self {
        let zf = UnsafeRawPointer(z).assumingMemoryBound(to: Float.self)
        let m = VectorFloat.maxAndArgmax(zf, count: count).0
        lse = T(Double(m) + Double.log(VectorFloat.sumExp(zf, shift: m, count: count)))
    } else {
        var m = z[0]
        for k in 1..<count where z[k] > m { m = z[k] }
        var sum: T = 0
        for k in 0..<count { sum += T.exp(z[k] - m) }
        lse = m + T.log(sum)
    }
    for k in 0..<count { z[k] -= lse }
}
