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
        // S: the memory's length (a pyramidal encoder's is shorter than the source).
        let B = batch.batchSize, S = w.memoryLength, T_ = batch.targetLength
        let E = config.embeddingSize, H = config.hiddenSize, V = config.targetVocabularySize
        let dropout = training ? activeDropout : 0
        let layers = w.decLayers
        for k in 0..<(T_ * B) { w.outIds[k] = batch.targetOutput[k] }

        prepareAttentionKeys(w, B: B, S: S)
        bridgeForward(w, B: B)
        w.feed.update(repeating: 0, count: B * H)  // h̃_{−1} = 0

        let gold = chooser.alwaysGold
        let output = OutputLayer(self, packed: nil)  // the model's own tokens when not fed gold
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
            decoderStep(TrainingStepMemory(model: self, w: w, t: t, rows: B, dropout: dropout), rng: &rng)

            if !gold && t + 1 < T_ {
                // The model's own token for step t+1: argmax or a sample of p(·|h̃_t).
                output.logits(w.stepLogits, w.feed + (t + 1) * B * H, rows: B)
                for b in 0..<B {
                    let logits = w.stepLogits + b * V
                    w.ownTokens[b] = chooser.samplesOwnToken
                        ? TokenSampling.fromLogits(logits, count: V, rng: &rng)
                        : Int32(T.maxAndArgmax(logits, count: V).1)
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

    /// Keys projected once per batch (general memory·W_a, concat memory·W_2).
    func prepareAttentionKeys(_ w: Workspace<T>, B: Int, S: Int) {
        config.attention.projectKeys(self, keys: w.keys, memory: w.memory, rows: B * S)
    }

    /// h̃ (rows, H) = tanh([c; h]·W_c), the decoder's attentional vector
    /// (Luong et al. 2015), in training and in search; `cat` (rows, 2H)
    /// receives [c; h] (training keeps it for ∂W_c), `packed` is W_c packed
    /// for the per-step product (nil: OpenBLAS).
    func attentionalVector(_ htilde: UnsafeMutablePointer<T>, cat: UnsafeMutablePointer<T>, context: UnsafePointer<T>,
                           h: UnsafePointer<T>, rows: Int, packed: (any MatrixProduct)?) {
        let H = config.hiddenSize
        for b in 0..<rows {
            (cat + b * 2 * H).update(from: context + b * H, count: H)
            (cat + b * 2 * H + H).update(from: h + b * H, count: H)
        }
        WeightProduct(parameter("attention.W_c"), depth: 2 * H, columns: H, packed: packed)
            .multiply(into: htilde, cat, rows: rows, accumulate: false)
        T.tanhInPlace(htilde, count: rows * H)
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
        let output = OutputLayer(self, packed: nil)
        if training { w.dFeed.update(repeating: 0, count: (T_ + 1) * B * H) }
        var r0 = 0
        while r0 < rows {
            let n = min(Workspace<T>.chunkRows, rows - r0)
            let xc = x + r0 * H
            output.logits(w.logits, xc, rows: n)
            total += SoftmaxCrossEntropy.forwardBackward(
                dLogits: training ? w.logits : nil, logits: w.logits, targets: w.outIds + r0,
                rows: n, vocab: V, labelSmoothing: config.labelSmoothing, scale: scale, threads: KernelThreads.current)
            if training {
                output.addInputGradient(into: w.dFeed + B * H + r0 * H, w.logits, rows: n,
                                        packed: trainingPacks?.outputGradient)
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
        let B = batch.batchSize, S = w.memoryLength, T_ = batch.targetLength
        let E = config.embeddingSize, H = config.hiddenSize, A = config.effectiveAttentionSize
        let layers = w.decLayers, L = config.layers
        let g0 = layers[0].G * H
        let dropout = activeDropout
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
                let dOut = k == L - 1 ? w.dTop : w.dBelow  // ∂ of layer k's output
                layer.backwardStep(t, batch: B, dOut: dOut, mask: nil)
                if k > 0 {
                    // A residual layer's output is h + x: ∂x gets ∂output as it is.
                    let residual = config.residual && k > 0 && L > 1
                    if residual { w.dResidual.update(from: dOut, count: B * H) }
                    layer.stepInputGradient(into: w.dBelow, t, batch: B, accumulate: false)
                    if residual { addInPlace(w.dBelow, w.dResidual, count: B * H) }
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

        let attention = config.attention
        attention.backwardAfterSteps(self, w, steps: T_, batch: B, srcLen: S)
        if attention.attends {
            Matmul.gemm(gradient("attention.W_c"), w.cat, w.dPre, m: 2 * H, n: H, k: T_ * B, transA: true, beta: 1)
        }
    }

    /// Backward of `attendForward` at step t: leaves ∂h_t of the top layer
    /// in dTop; concat adds into dMemory / dKeys, dot/general keep ∂score and
    /// ∂c_t for decodeBackward to add after the step loop.
    private func attendBackward(_ w: Workspace<T>, t: Int, B: Int, S: Int, dHtilde g: UnsafeMutablePointer<T>) {
        let H = config.hiddenSize
        let attention = config.attention
        if !attention.attends {
            w.dTop.update(from: g, count: B * H)
            return
        }
        let ht = w.htilde + t * B * H, dPre = w.dPre + t * B * H
        for k in 0..<(B * H) { dPre[k] = g[k] * (1 - ht[k] * ht[k]) }
        WeightProduct(parameter("attention.W_c"), depth: H, columns: 2 * H, transposed: true, packed: trainingPacks?.wcT)
            .multiply(into: w.dCat, dPre, rows: B, accumulate: false)
        // ∂c_t: kept for every step by kinds that finish after the step loop.
        let dContext = attention.contextGradient(w, t: t, batch: B)
        for b in 0..<B {
            (dContext + b * H).update(from: w.dCat + b * 2 * H, count: H)
            (w.dTop + b * H).update(from: w.dCat + b * 2 * H + H, count: H)
        }
        attention.backwardStep(self, w, t: t, batch: B, srcLen: S, dContext: dContext)
    }
}
