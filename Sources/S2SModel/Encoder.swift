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
        let dropout = training ? activeDropout : 0
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
        var steps = S  // of layer k; w.srcLengths holds its lengths
        w.encSteps = []
        for k in 0..<config.layers {
            w.encSteps.append(steps)
            let last = k + 1 == config.layers
            // A pyramid's next layer has half the steps: ⌈steps/2⌉, lengths ⌈n/2⌉.
            let next = config.pyramid && !last ? (steps + 1) / 2 : steps
            let mask = config.pyramid && k > 0 ? w.encMask[k] : w.srcMask
            if config.pyramid && !last { w.encInput[k + 1].update(repeating: 0, count: next * B * 2 * H) }
            for (d, layer) in w.encLayers[k].enumerated() {
                layer.zeroInitialState(steps: steps, batch: B)
                layer.projectInputs(w.encInput[k], from: 0, count: steps, batch: B)
                for step in 0..<steps {
                    let t = layer.reversed ? steps - 1 - step : step
                    layer.forwardStep(t, batch: B, mask: mask + t * B)
                }
                // The layer's output: next layer's input (steps, B, H), a pyramid's
                // (⌈steps/2⌉, B, 2H) with positions 2t', 2t'+1 side by side and
                // padding left zero, or the memory (B, steps, H).
                for t in 0..<steps {
                    let h = layer.h(layer.stateRow(t), B)
                    for b in 0..<B {
                        let to: UnsafeMutablePointer<T>
                        if last {
                            to = w.memory + (b * steps + t) * H + d * Hd
                        } else if config.pyramid {
                            guard t < Int(w.srcLengths[b]) else { continue }
                            to = w.encInput[k + 1] + ((t / 2) * B + b) * 2 * H + (t % 2) * H + d * Hd
                        } else {
                            to = w.encInput[k + 1] + (t * B + b) * H + d * Hd
                        }
                        to.update(from: h + b * Hd, count: Hd)
                    }
                }
            }
            if config.residual && k > 0 {
                // Residual: this layer's output is h + its input.
                let x = w.encInput[k]
                if !last {
                    addInPlace(w.encInput[k + 1], x, count: S * B * H)
                } else {
                    for t in 0..<S {
                        for b in 0..<B { addInPlace(w.memory + (b * S + t) * H, x + (t * B + b) * H, count: H) }
                    }
                }
            }
            if config.pyramid && !last {
                for b in 0..<B { w.srcLengths[b] = (w.srcLengths[b] + 1) / 2 }
                let m = w.encMask[k + 1]
                for t in 0..<next {
                    for b in 0..<B { m[t * B + b] = t < Int(w.srcLengths[b]) ? 1 : 0 }
                }
            }
            if !last && dropout > 0 {
                let width = config.encoderInputWidth(layer: k + 1)
                Dropout.forward(out: w.encInput[k + 1], mask: w.encDropMask[k + 1], input: w.encInput[k + 1],
                                count: next * B * width, p: dropout, rng: &rng, threads: KernelThreads.current)
            }
            steps = next
        }
    }

    /// Decoder initial state of layer k from the encoder's final states
    /// (directions concatenated), or zeros.
    func bridgeForward(_ w: Workspace<T>, B: Int) {
        let H = config.hiddenSize, Hd = config.encoderDirectionSize
        for k in 0..<config.layers {
            let dec = w.decLayers[k]
            let h0 = dec.h(0, B), c0 = dec.c(0, B)
            h0.update(repeating: 0, count: B * H)
            c0.update(repeating: 0, count: B * H)
            guard config.bridge == .copy else { continue }
            for (d, enc) in w.encLayers[k].enumerated() {
                let row = enc.finalRow(steps: w.encSteps[k])
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
        let dropout = activeDropout
        // The lengths of every layer (a pyramid halves them).
        var lengths = [batch.sourceLengths]
        for _ in 1..<config.layers { lengths.append(config.pyramid ? lengths.last!.map { ($0 + 1) / 2 } : lengths.last!) }
        // ∂ of the top layer's output, time-major, from the memory's gradient.
        let top = w.memoryLength
        for t in 0..<top {
            for b in 0..<B {
                (w.dEncOut + (t * B + b) * H).update(from: w.dMemory + (b * top + t) * H, count: H)
            }
        }
        for k in stride(from: config.layers - 1, through: 0, by: -1) {
            let input = config.encoderInputWidth(layer: k), steps = w.encSteps[k]
            let mask = config.pyramid && k > 0 ? w.encMask[k] : w.srcMask
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
                for step in 0..<steps {
                    let t = layer.reversed ? step : steps - 1 - step
                    for b in 0..<B {
                        (w.dScratch + b * Hd).update(from: w.dEncOut + (t * B + b) * H + d * Hd, count: Hd)
                    }
                    layer.backwardStep(t, batch: B, dOut: w.dScratch, mask: mask + t * B)
                    if k == 0 { recordGradientFlow(layer, t: t, batch: B) }
                }
                layer.accumulateWeightGradients(x: w.encInput[k], steps: steps, batch: B)
                // ∂ of the layer input: one GEMM over the whole sequence.
                Matmul.gemm(w.dEncIn, layer.dProj, layer.W, m: steps * B, n: input, k: layer.G * Hd,
                            transB: true, beta: d == 0 ? 0 : 1)
            }
            // Residual: ∂ of the layer's output reaches its input as it is.
            if config.residual && k > 0 { addInPlace(w.dEncIn, w.dEncOut, count: S * B * H) }
            if dropout > 0 {
                Dropout.backward(dIn: w.dEncIn, dOut: w.dEncIn, mask: w.encDropMask[k], count: steps * B * input,
                                 threads: KernelThreads.current)
            }
            if k > 0 && config.pyramid {
                // Back through the pairing: position t of the layer below fed
                // half (t % 2) of pair t / 2; padding fed nothing.
                let below = w.encSteps[k - 1]
                w.dEncOut.update(repeating: 0, count: below * B * H)
                for t in 0..<below {
                    for b in 0..<B where t < Int(lengths[k - 1][b]) {
                        (w.dEncOut + (t * B + b) * H).update(from: w.dEncIn + ((t / 2) * B + b) * 2 * H + (t % 2) * H,
                                                              count: H)
                    }
                }
            } else if k > 0 {
                w.dEncOut.update(from: w.dEncIn, count: S * B * H)
            } else {
                Embedding.backward(dTable: gradient("encoder.embedding"), dOut: w.dEncIn, ids: w.srcIds,
                                   count: S * B, dim: E)
            }
        }
    }
}
