import S2SCore
import S2SKernels

/// The encoder: source embeddings → L recurrent layers (one or two
/// directions, concatenated) → the memory that attention reads, (B, S, H)
/// batch-major, and final states for the bridge. Dropout on the embeddings
/// and between layers.
extension Seq2Seq {
    func encodeForward(_ w: Workspace<T>, _ batch: Batch, training: Bool, rng: inout SplitMix64) {
        let B = batch.batchSize, S = batch.sourceLength
        let E = config.embeddingSize, H = config.hiddenSize, Hd = config.encoderDirectionSize
        let dropout = training ? config.dropout : 0
        for k in 0..<(S * B) { w.srcIds[k] = batch.source[k] }
        for b in 0..<B { w.srcLengths[b] = batch.sourceLengths[b] }
        for t in 0..<S {
            for b in 0..<B { w.srcMask[t * B + b] = t < Int(batch.sourceLengths[b]) ? 1 : 0 }
        }
        Embedding.forward(out: w.encInput[0], ids: w.srcIds, table: parameter("encoder.embedding"),
                          count: S * B, dim: E)
        if dropout > 0 {
            Dropout.forward(out: w.encInput[0], mask: w.encDropMask[0], input: w.encInput[0],
                            count: S * B * E, p: dropout, rng: &rng, threads: KernelThreads.current)
        }
        for k in 0..<config.layers {
            for (d, layer) in w.encLayers[k].enumerated() {
                layer.zeroInitialState(steps: S, batch: B)
                layer.projectInputs(w.encInput[k], from: 0, count: S, batch: B)
                for step in 0..<S {
                    let t = layer.reversed ? S - 1 - step : step
                    layer.forwardStep(t, batch: B, mask: w.srcMask + t * B)
                }
                // The layer's output: next layer's input (S, B, H), or the memory (B, S, H).
                for t in 0..<S {
                    let h = layer.h(layer.stateRow(t), B)
                    for b in 0..<B {
                        let to = k + 1 < config.layers
                            ? w.encInput[k + 1] + (t * B + b) * H + d * Hd
                            : w.memory + (b * S + t) * H + d * Hd
                        to.update(from: h + b * Hd, count: Hd)
                    }
                }
            }
            if config.residual && k > 0 {
                // Residual: this layer's output is h + its input.
                let x = w.encInput[k]
                if k + 1 < config.layers {
                    addInPlace(w.encInput[k + 1], x, count: S * B * H)
                } else {
                    for t in 0..<S {
                        for b in 0..<B { addInPlace(w.memory + (b * S + t) * H, x + (t * B + b) * H, count: H) }
                    }
                }
            }
            if k + 1 < config.layers && dropout > 0 {
                Dropout.forward(out: w.encInput[k + 1], mask: w.encDropMask[k + 1], input: w.encInput[k + 1],
                                count: S * B * H, p: dropout, rng: &rng, threads: KernelThreads.current)
            }
        }
    }

    /// Decoder initial state of layer k from the encoder's final states
    /// (directions concatenated), or zeros.
    func bridgeForward(_ w: Workspace<T>, B: Int, S: Int) {
        let H = config.hiddenSize, Hd = config.encoderDirectionSize
        for k in 0..<config.layers {
            let dec = w.decLayers[k]
            let h0 = dec.h(0, B), c0 = dec.c(0, B)
            h0.update(repeating: 0, count: B * H)
            c0.update(repeating: 0, count: B * H)
            guard config.bridge == .copy else { continue }
            for (d, enc) in w.encLayers[k].enumerated() {
                let row = enc.finalRow(steps: S)
                for b in 0..<B {
                    (h0 + b * H + d * Hd).update(from: enc.h(row, B) + b * Hd, count: Hd)
                    (c0 + b * H + d * Hd).update(from: enc.c(row, B) + b * Hd, count: Hd)
                }
            }
        }
    }

    func encodeBackward(_ w: Workspace<T>, _ batch: Batch) {
        let B = batch.batchSize, S = batch.sourceLength
        let E = config.embeddingSize, H = config.hiddenSize, Hd = config.encoderDirectionSize
        let dropout = config.dropout
        // ∂ of the top layer's output, time-major, from the memory's gradient.
        for t in 0..<S {
            for b in 0..<B {
                (w.dEncOut + (t * B + b) * H).update(from: w.dMemory + (b * S + t) * H, count: H)
            }
        }
        for k in stride(from: config.layers - 1, through: 0, by: -1) {
            let input = k == 0 ? E : H
            for (d, layer) in w.encLayers[k].enumerated() {
                // Bridge: ∂ of this direction's final state from the decoder's initial state.
                layer.beginBackward(batch: B, dFinalH: nil, dFinalC: nil)
                if config.bridge == .copy {
                    let dec = w.decLayers[k]
                    for b in 0..<B {
                        (layer.dh + b * Hd).update(from: dec.dh + b * H + d * Hd, count: Hd)
                        if config.cell.kind.hasMemory {
                            (layer.dc + b * Hd).update(from: dec.dc + b * H + d * Hd, count: Hd)
                        }
                    }
                }
                for step in 0..<S {
                    let t = layer.reversed ? step : S - 1 - step
                    for b in 0..<B {
                        (w.dScratch + b * Hd).update(from: w.dEncOut + (t * B + b) * H + d * Hd, count: Hd)
                    }
                    layer.backwardStep(t, batch: B, dOut: w.dScratch, mask: w.srcMask + t * B)
                }
                layer.accumulateWeightGradients(x: w.encInput[k], steps: S, batch: B)
                // ∂ of the layer input: one GEMM over the whole sequence.
                Matmul.gemm(w.dEncIn, layer.dProj, layer.W, m: S * B, n: input, k: layer.G * Hd,
                            transB: true, beta: d == 0 ? 0 : 1)
            }
            // Residual: ∂ of the layer's output reaches its input as it is.
            if config.residual && k > 0 { addInPlace(w.dEncIn, w.dEncOut, count: S * B * H) }
            if dropout > 0 {
                Dropout.backward(dIn: w.dEncIn, dOut: w.dEncIn, mask: w.encDropMask[k], count: S * B * input,
                                 threads: KernelThreads.current)
            }
            if k > 0 {
                w.dEncOut.update(from: w.dEncIn, count: S * B * H)
            } else {
                Embedding.backward(dTable: gradient("encoder.embedding"), dOut: w.dEncIn, ids: w.srcIds,
                                   count: S * B, dim: E)
            }
        }
    }
}
