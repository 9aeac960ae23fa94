import S2SCore
import S2SKernels

/// The decoder (Luong et al. 2015): at step t the first layer reads
/// [emb(y_{t−1}); h̃_{t−1}] (input feeding) or emb(y_{t−1}); the top state h_t
/// attends over the memory, c_t = Σ α_j s_j, and h̃_t = tanh([c_t; h_t]·W_c)
/// (with attention none, h̃_t = h_t). Dropout on embeddings, between layers
/// and on h̃. The output layer then maps every h̃_t to the vocabulary.
extension Seq2Seq {
    func decodeForward(_ w: Workspace<T>, _ batch: Batch, training: Bool, chooser: inout InputChooser,
                       rng: inout SplitMix64) {
        let B = batch.batchSize, S = batch.sourceLength, T_ = batch.targetLength
        let E = config.embeddingSize, H = config.hiddenSize, V = config.targetVocabularySize
        let dropout = training ? config.dropout : 0
        let layers = w.decLayers, L = config.layers
        for k in 0..<(T_ * B) { w.outIds[k] = batch.targetOutput[k] }

        prepareAttentionKeys(w, B: B, S: S)
        bridgeForward(w, B: B, S: S)
        w.feed.update(repeating: 0, count: B * H)  // h̃_{−1} = 0

        let gold = chooser.alwaysGold
        if gold {
            // Teacher forcing: the embedding half of layer 0's input is one GEMM.
            for k in 0..<(T_ * B) { w.fedIds[k] = batch.targetInput[k] }
            embedTargets(w, from: 0, count: T_, B: B, dropout: dropout, rng: &rng)
            layers[0].projectInputs(w.decEmb, from: 0, count: T_, batch: B, weightRows: E)
        }
        for t in 0..<T_ {
            if !gold {
                for b in 0..<B {
                    let useGold = t == 0 || chooser.feedsGold(step: t, row: b, rng: &rng)
                    w.fedIds[t * B + b] = useGold ? batch.targetInput[t * B + b] : w.ownTokens[b]
                }
                embedTargets(w, from: t, count: 1, B: B, dropout: dropout, rng: &rng)
                layers[0].projectInputs(w.decEmb + t * B * E, from: t, count: 1, batch: B, weightRows: E)
            }
            if config.inputFeeding {
                layers[0].projectInputs(w.feed + t * B * H, from: t, count: 1, batch: B, weightRows: H,
                                        weightOffset: E, accumulate: true)
            }
            layers[0].forwardStep(t, batch: B, mask: nil)
            for k in 1..<max(L, 1) {
                let x = w.decInput[k] + t * B * H
                x.update(from: layers[k - 1].h(layers[k - 1].stateRow(t), B), count: B * H)
                if dropout > 0 {
                    Dropout.forward(out: x, mask: w.decDropMask[k] + t * B * H, input: x, count: B * H,
                                    p: dropout, rng: &rng, threads: KernelThreads.current)
                }
                layers[k].projectInputs(x, from: t, count: 1, batch: B)
                layers[k].forwardStep(t, batch: B, mask: nil)
            }
            attendForward(w, t: t, B: B, S: S, dropout: dropout, rng: &rng)

            if !gold && t + 1 < T_ {
                // The model's own token for step t+1: argmax or a sample of p(·|h̃_t).
                projectOutput(w.stepLogits, w.feed + (t + 1) * B * H, rows: B)
                for b in 0..<B {
                    w.ownTokens[b] = chooser.samplesOwnToken
                        ? Self.sample(w.stepLogits + b * V, count: V, rng: &rng)
                        : Self.argmax(w.stepLogits + b * V, count: V)
                }
            }
        }
    }

    /// decEmb rows of steps [from, from + count) = emb(fedIds), with dropout.
    private func embedTargets(_ w: Workspace<T>, from: Int, count: Int, B: Int, dropout: Double,
                              rng: inout SplitMix64) {
        let E = config.embeddingSize, n = count * B
        let out = w.decEmb + from * B * E
        Embedding.forward(out: out, ids: w.fedIds + from * B, table: parameter("decoder.embedding"), count: n, dim: E)
        if dropout > 0 {
            Dropout.forward(out: out, mask: w.decEmbMask + from * B * E, input: out, count: n * E,
                            p: dropout, rng: &rng, threads: KernelThreads.current)
        }
    }

    /// Keys projected once per batch: general memory·W_a, concat memory·W_2.
    func prepareAttentionKeys(_ w: Workspace<T>, B: Int, S: Int) {
        let H = config.hiddenSize
        switch config.attention {
        case .general:
            Matmul.gemm(w.keys, w.memory, parameter("attention.W_a"), m: B * S, n: H, k: H)
        case .concat:
            Matmul.gemm(w.keys, w.memory, parameter("attention.W_2"), m: B * S, n: config.effectiveAttentionSize, k: H)
        case .none, .dot:
            break
        }
    }

    /// Attention and the attentional vector at step t; writes feed[t + 1].
    private func attendForward(_ w: Workspace<T>, t: Int, B: Int, S: Int, dropout: Double, rng: inout SplitMix64) {
        let H = config.hiddenSize, A = config.effectiveAttentionSize
        let top = w.decLayers[config.layers - 1]
        let h = top.h(top.stateRow(t), B)
        let out = w.feed + (t + 1) * B * H
        if config.attention == .none {
            out.update(from: h, count: B * H)
        } else {
            let alpha = w.alpha + t * B * S
            switch config.attention {
            case .dot:
                Attention.forwardBilinear(alpha: alpha, context: w.ctx, query: h, keys: w.memory, values: w.memory,
                                          lengths: w.srcLengths, batch: B, srcLen: S, keyDim: H, valueDim: H,
                                          threads: KernelThreads.current)
            case .general:
                Attention.forwardBilinear(alpha: alpha, context: w.ctx, query: h, keys: w.keys, values: w.memory,
                                          lengths: w.srcLengths, batch: B, srcLen: S, keyDim: H, valueDim: H,
                                          threads: KernelThreads.current)
            case .concat:
                let pq = w.query + t * B * A
                Matmul.gemm(pq, h, parameter("attention.W_1"), m: B, n: A, k: H)
                Attention.forwardConcat(alpha: alpha, context: w.ctx, projQuery: pq, projKeys: w.keys,
                                        v: parameter("attention.v"), values: w.memory, lengths: w.srcLengths,
                                        batch: B, srcLen: S, attnDim: A, valueDim: H)
            case .none:
                break
            }
            let cat = w.cat + t * B * 2 * H
            for b in 0..<B {
                (cat + b * 2 * H).update(from: w.ctx + b * H, count: H)
                (cat + b * 2 * H + H).update(from: h + b * H, count: H)
            }
            let ht = w.htilde + t * B * H
            if let wc = trainingPacks?.wc {
                wc.multiply(into: ht, cat, rows: B, accumulate: false)
            } else {
                Matmul.gemm(ht, cat, parameter("attention.W_c"), m: B, n: H, k: 2 * H)
            }
            T.tanhInPlace(ht, count: B * H)
            out.update(from: ht, count: B * H)
        }
        if dropout > 0 {
            Dropout.forward(out: out, mask: w.feedMask + t * B * H, input: out, count: B * H, p: dropout, rng: &rng,
                            threads: KernelThreads.current)
        }
    }

    /// logits (rows, V) = x·W_o + b_o (tied: x·Embᵀ).
    func projectOutput(_ logits: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, rows: Int) {
        let H = config.hiddenSize, V = config.targetVocabularySize
        let bias = parameter("output.b")
        broadcastRows(logits, bias, rows: rows, width: V)
        if config.tieTargetEmbeddings {
            Matmul.gemm(logits, x, parameter("decoder.embedding"), m: rows, n: V, k: H, transB: true, beta: 1)
        } else {
            Matmul.gemm(logits, x, parameter("output.W"), m: rows, n: V, k: H, beta: 1)
        }
    }

    /// The loss over all B·T target rows, chunked so a (rows, V) block stays
    /// small. In training, ∂loss/∂logits becomes ∂h̃ (into dFeed) and the
    /// output weights' gradients right away, so logits are never stored.
    func outputLayer(_ w: Workspace<T>, _ batch: Batch, training: Bool) -> SoftmaxCrossEntropy.Result {
        let B = batch.batchSize, T_ = batch.targetLength
        let H = config.hiddenSize, V = config.targetVocabularySize
        let rows = T_ * B
        let scale = T(1 / Double(max(lastTokens, 1)))
        var total = SoftmaxCrossEntropy.Result()
        let x = w.feed + B * H  // h̃_0 … h̃_{T−1}
        if training { w.dFeed.update(repeating: 0, count: (T_ + 1) * B * H) }
        var r0 = 0
        while r0 < rows {
            let n = min(Workspace<T>.chunkRows, rows - r0)
            let xc = x + r0 * H
            projectOutput(w.logits, xc, rows: n)
            total += SoftmaxCrossEntropy.forwardBackward(
                dLogits: training ? w.logits : nil, logits: w.logits, targets: w.outIds + r0,
                rows: n, vocab: V, labelSmoothing: config.labelSmoothing, scale: scale, threads: KernelThreads.current)
            if training {
                let dx = w.dFeed + B * H + r0 * H
                if let packed = trainingPacks?.outputGradient {
                    packed.multiply(into: dx, w.logits, rows: n, accumulate: true)
                } else if config.tieTargetEmbeddings {
                    Matmul.gemm(dx, w.logits, parameter("decoder.embedding"), m: n, n: H, k: V, beta: 1)
                } else {
                    Matmul.gemm(dx, w.logits, parameter("output.W"), m: n, n: H, k: V, transB: true, beta: 1)
                }
                if config.tieTargetEmbeddings {
                    Matmul.gemm(gradient("decoder.embedding"), w.logits, xc, m: V, n: H, k: n, transA: true, beta: 1)
                } else {
                    Matmul.gemm(gradient("output.W"), xc, w.logits, m: H, n: V, k: n, transA: true, beta: 1)
                }
                columnSums(into: gradient("output.b"), w.logits, rows: n, cols: V, threads: KernelThreads.current)
            }
            r0 += n
        }
        return total
    }

    func decodeBackward(_ w: Workspace<T>, _ batch: Batch) {
        let B = batch.batchSize, S = batch.sourceLength, T_ = batch.targetLength
        let E = config.embeddingSize, H = config.hiddenSize, A = config.effectiveAttentionSize
        let layers = w.decLayers, L = config.layers
        let g0 = layers[0].G * H
        let dropout = config.dropout
        w.dMemory.update(repeating: 0, count: B * S * H)
        w.dKeys.update(repeating: 0, count: B * S * max(H, A))
        for layer in layers { layer.beginBackward(batch: B, dFinalH: nil, dFinalC: nil) }

        for t in stride(from: T_ - 1, through: 0, by: -1) {
            let g = w.dFeed + (t + 1) * B * H  // ∂h̃_t (dropped), complete now
            if dropout > 0 {
                Dropout.backward(dIn: g, dOut: g, mask: w.feedMask + t * B * H, count: B * H,
                                 threads: KernelThreads.current)
            }
            attendBackward(w, t: t, B: B, S: S, dHtilde: g)
            // Down the layers at step t.
            for k in stride(from: L - 1, through: 0, by: -1) {
                let layer = layers[k]
                layer.backwardStep(t, batch: B, dOut: k == L - 1 ? w.dTop : w.dBelow, mask: nil)
                if k > 0 {
                    layer.stepInputGradient(into: w.dBelow, t, batch: B, accumulate: false)
                    if dropout > 0 {
                        Dropout.backward(dIn: w.dBelow, dOut: w.dBelow, mask: w.decDropMask[k] + t * B * H,
                                         count: B * H, threads: KernelThreads.current)
                    }
                } else if config.inputFeeding {
                    // ∂h̃_{t−1} from this step's input [emb; h̃_{t−1}].
                    layer.stepInputGradient(into: w.dFeed + t * B * H, t, batch: B, weightOffset: E, weightRows: H,
                                            accumulate: true)
                }
            }
        }

        // Weight gradients as one GEMM over time per matrix.
        layers[0].accumulateWeightGradients(x: w.decEmb, steps: T_, batch: B, weightRows: E)
        if config.inputFeeding {
            layers[0].accumulateWeightGradients(x: w.feed, steps: T_, batch: B, weightRows: H, weightOffset: E,
                                                includeRecurrent: false)
        }
        for k in 1..<max(L, 1) { layers[k].accumulateWeightGradients(x: w.decInput[k], steps: T_, batch: B) }
        Matmul.gemm(w.dEmb, layers[0].dProj, layers[0].W, m: T_ * B, n: E, k: g0, transB: true)
        if dropout > 0 {
            Dropout.backward(dIn: w.dEmb, dOut: w.dEmb, mask: w.decEmbMask, count: T_ * B * E,
                             threads: KernelThreads.current)
        }
        Embedding.backward(dTable: gradient("decoder.embedding"), dOut: w.dEmb, ids: w.fedIds, count: T_ * B, dim: E)

        if config.attention == .dot || config.attention == .general {
            let top = layers[L - 1]
            Attention.keyValueGradients(dKeys: config.attention == .dot ? w.dMemory : w.dKeys, dValues: w.dMemory,
                                        dScore: w.dScores, alpha: w.alpha, query: top.h(top.stateRow(0), B),
                                        queryStride: B * H, dContext: w.dContexts, lengths: w.srcLengths,
                                        steps: T_, batch: B, srcLen: S, keyDim: H, valueDim: H)
        }
        switch config.attention {
        case .none:
            break
        case .dot:
            Matmul.gemm(gradient("attention.W_c"), w.cat, w.dPre, m: 2 * H, n: H, k: T_ * B, transA: true, beta: 1)
        case .general:
            Matmul.gemm(gradient("attention.W_c"), w.cat, w.dPre, m: 2 * H, n: H, k: T_ * B, transA: true, beta: 1)
            Matmul.gemm(gradient("attention.W_a"), w.memory, w.dKeys, m: H, n: H, k: B * S, transA: true, beta: 1)
            Matmul.gemm(w.dMemory, w.dKeys, parameter("attention.W_a"), m: B * S, n: H, k: H, transB: true, beta: 1)
        case .concat:
            Matmul.gemm(gradient("attention.W_c"), w.cat, w.dPre, m: 2 * H, n: H, k: T_ * B, transA: true, beta: 1)
            Matmul.gemm(gradient("attention.W_2"), w.memory, w.dKeys, m: H, n: A, k: B * S, transA: true, beta: 1)
            Matmul.gemm(w.dMemory, w.dKeys, parameter("attention.W_2"), m: B * S, n: H, k: A, transB: true, beta: 1)
            let top = layers[L - 1]
            Matmul.gemm(gradient("attention.W_1"), top.h(1, B), w.dQuery, m: H, n: A, k: T_ * B, transA: true, beta: 1)
        }
    }

    /// Backward of `attendForward` at step t: leaves ∂h_t of the top layer
    /// in dTop; concat adds into dMemory / dKeys, dot/general keep ∂score and
    /// ∂c_t for decodeBackward to add after the step loop.
    private func attendBackward(_ w: Workspace<T>, t: Int, B: Int, S: Int, dHtilde g: UnsafeMutablePointer<T>) {
        let H = config.hiddenSize, A = config.effectiveAttentionSize
        if config.attention == .none {
            w.dTop.update(from: g, count: B * H)
            return
        }
        let ht = w.htilde + t * B * H, dPre = w.dPre + t * B * H
        for k in 0..<(B * H) { dPre[k] = g[k] * (1 - ht[k] * ht[k]) }
        if let wcT = trainingPacks?.wcT {
            wcT.multiply(into: w.dCat, dPre, rows: B, accumulate: false)
        } else {
            Matmul.gemm(w.dCat, dPre, parameter("attention.W_c"), m: B, n: 2 * H, k: H, transB: true)
        }
        // ∂c_t: kept for every step by dot/general (their ∂keys and ∂values
        // come after the step loop, in decodeBackward).
        let bilinear = config.attention == .dot || config.attention == .general
        let dContext = bilinear ? w.dContexts + t * B * H : w.ctx
        for b in 0..<B {
            (dContext + b * H).update(from: w.dCat + b * 2 * H, count: H)
            (w.dTop + b * H).update(from: w.dCat + b * 2 * H + H, count: H)
        }
        let alpha = w.alpha + t * B * S
        switch config.attention {
        case .dot, .general:
            let keys = config.attention == .dot ? w.memory : w.keys
            Attention.backwardBilinearQuery(dQuery: w.dQuery, dScore: w.dScores + t * B * S, dContext: dContext,
                                            alpha: alpha, keys: keys, values: w.memory, lengths: w.srcLengths,
                                            batch: B, srcLen: S, keyDim: H, valueDim: H,
                                            threads: KernelThreads.current)
            for k in 0..<(B * H) { w.dTop[k] += w.dQuery[k] }
        case .concat:
            let dpq = w.dQuery + t * B * A
            Attention.backwardConcat(dProjQuery: dpq, dProjKeys: w.dKeys, dV: gradient("attention.v"),
                                     dValues: w.dMemory, dContext: w.ctx, alpha: alpha,
                                     projQuery: w.query + t * B * A, projKeys: w.keys, v: parameter("attention.v"),
                                     values: w.memory, lengths: w.srcLengths, batch: B, srcLen: S, attnDim: A,
                                     valueDim: H, scratch: w.scratchS)
            Matmul.gemm(w.dTop, dpq, parameter("attention.W_1"), m: B, n: H, k: A, transB: true, beta: 1)
        case .none:
            break
        }
    }

    static func argmax(_ p: UnsafePointer<T>, count: Int) -> Int32 {
        var best = 0
        for k in 1..<count where p[k] > p[best] { best = k }
        return Int32(best)
    }

    /// A token drawn from softmax(logits).
    static func sample(_ logits: UnsafePointer<T>, count: Int, rng: inout SplitMix64) -> Int32 {
        var m = logits[0]
        for k in 1..<count where logits[k] > m { m = logits[k] }
        var sum = 0.0
        for k in 0..<count { sum += Double(T.exp(logits[k] - m)) }
        var u = rng.nextDouble() * sum
        for k in 0..<count {
            u -= Double(T.exp(logits[k] - m))
            if u < 0 { return Int32(k) }
        }
        return Int32(count - 1)
    }
}
