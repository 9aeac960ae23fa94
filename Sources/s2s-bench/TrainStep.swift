import ArgumentParser
import Foundation
import S2S
import S2SCore
import S2SKernels
import S2SModel
import S2SOptions
import S2STraining

/// One full training step (forward, backward, clipping, Adam) at a given
/// shape, timed; with the OpenBLAS sgemm ceiling and the step's GEMM floor
/// measured in the same run. Prints one JSON line on stdout.
struct TrainStep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-step",
        abstract: "Time one training step at the reference shape (or another).")

    @Option(help: "Batch size B.") var batch = 64
    @Option(help: "Source length S (tokens incl. <EOS>).") var srcLen = 30
    @Option(help: "Target length T (decoder steps).") var tgtLen = 30
    @Option(help: "Vocabulary size, both sides.") var vocab = 10_000
    /// s2s-train's model options, over the reference shape (`base`: a 2×512
    /// LSTM, general attention, input feeding, dropout 0.2).
    @OptionGroup var shape: ModelShapeOptions
    @Option(help: "Timed steps (the median is reported).") var steps = 5
    @Option(help: "Untimed warm-up steps.") var warmup = 2
    @OptionGroup var threadsOption: ThreadsOption
    var threads: Int { threadsOption.threads ?? KernelSettings.standard.threads }
    @Flag(help: "Every product through OpenBLAS (no packed per-step weights).") var noPacked = false
    @Option(help: "The products' precision: float32 or bfloat16 (as s2s-train --precision).") var precision = "float32"

    func validate() throws {
        guard let p = PackedMatrix.Precision(rawValue: precision) else {
            throw ValidationError("--precision must be float32 or bfloat16, not '\(precision)'.")
        }
        if p == .bfloat16 && !CPUFeatures.current.contains(.bfloat16) {
            throw ValidationError("--precision bfloat16 needs a CPU with AVX512_BF16, which this one lacks.")
        }
    }

    func run() throws {
        let productPrecision = PackedMatrix.Precision(rawValue: precision)!  // checked in validate()
        try KernelSettings(threads: threads, precision: productPrecision).run { try timeSteps() }
    }

    /// The timing, with the benchmark's threads and precision bound.
    private func timeSteps() throws {
        var c = ModelConfig(sourceVocabularySize: vocab, targetVocabularySize: vocab)
        c.embeddingSize = 512; c.hiddenSize = 512; c.layers = 2
        c.attention = .general; c.inputFeeding = true; c.dropout = 0.2; c.cell = .lstm
        var options = Training.Options()
        shape.apply(to: &options)
        options.applyModelOptions(to: &c)
        try c.validate()
        let model = try Seq2Seq<Float>(config: c)
        model.initialize(seed: 1)
        model.packsTrainingWeights = !noPacked
        // The trainer's own update (s2s-train's defaults: Adam, clipping at 5).
        let update = ParameterUpdate(model: model, optimizer: .adam, maxNorm: 5)
        var data = SplitMix64(seed: 2), rng = SplitMix64(seed: 3)
        let pairs: [(source: [Int32], target: [Int32])] = (0..<batch).map { _ in
            ((0..<(srcLen - 1)).map { _ in Int32(4 + data.nextInt(below: vocab - 4)) },
             (0..<(tgtLen - 1)).map { _ in Int32(4 + data.nextInt(below: vocab - 4)) })
        }
        let b = Batch(pairs: pairs, reverseSource: false)
        var step = 0
        var phases = [Double](repeating: 0, count: 5)  // zero, forward, backward, clip, adam (last step)
        func trainStep() -> Double {
            step += 1
            var clock = Stopwatch()
            if step == 1 { model.zeroGradients() }  // later steps: Adam clears them in its pass
            phases[0] = clock.lap()
            let r = model.forward(b, training: true, rng: &rng)
            phases[1] = clock.lap()
            model.backward()
            phases[2] = clock.lap()
            update.clip()
            phases[3] = clock.lap()
            update.step(learningRate: 1e-3, step: step)
            phases[4] = clock.lap()
            return r.loss / Double(r.tokens)
        }

        var losses: [Double] = []
        for _ in 0..<warmup { losses.append(trainStep()) }
        var times: [Double] = [], inProducts: [Double] = [], phaseTimes: [[Double]] = [], alone: [Double] = [],
            imbalance: [Double] = []
        for _ in 0..<steps {
            Matmul.secondsInProducts = 0
            let waited = Parallel.secondsWaited, callerWaited = Parallel.secondsCallerWaited
            var clock = Stopwatch()
            losses.append(trainStep())
            times.append(clock.lap())
            alone.append(Parallel.secondsWaited - waited)
            imbalance.append(Parallel.secondsCallerWaited - callerWaited)
            inProducts.append(Matmul.secondsInProducts!)
            phaseTimes.append(phases)
        }
        Matmul.secondsInProducts = nil
        let median = times.sorted()[times.count / 2]
        let medianInProducts = inProducts.sorted()[inProducts.count / 2]
        let medianAlone = alone.sorted()[alone.count / 2]
        // Each phase's median over the timed steps (the first step's Adam
        // also touches the fresh moment buffers' pages: warm-up, not timed).
        let perStep = (0..<5).map { p in phaseTimes.map { $0[p] }.sorted()[steps / 2] * 1000 }

        // Every GEMM of one step, then each distinct shape timed alone.
        var shapes: [Matmul.Shape: Int] = [:]
        Matmul.trace = { shapes[$0, default: 0] += 1 }
        _ = trainStep()
        Matmul.trace = nil
        var floor = 0.0
        var breakdown: [TrainStepResult.GemmTime] = []
        for (shape, count) in shapes.sorted(by: { $0.key.flops * Double($0.value) > $1.key.flops * Double($1.value) }) {
            let t = Self.timeGEMM(shape, threads: threads)
            floor += Double(count) * t
            breakdown.append(.init(m: shape.m, n: shape.n, k: shape.k, transA: shape.transA, transB: shape.transB,
                                   packed: shape.packed, calls: count, ms: Double(count) * t * 1000, gflops: shape.flops / t / 1e9))
        }

        // The GEMM ceiling (sgemm, or the bfloat16 products) at the step's
        // two largest forward shapes, unpacked (for the reference shape: the
        // output layer and the decoder's first input projection).
        let (B, S, T, E, H, V, L) = (batch, srcLen, tgtLen, c.embeddingSize, c.hiddenSize, vocab, c.layers)
        let forward = Set(shapes.keys.filter { !$0.transA && !$0.transB }.map {
            Matmul.Shape(m: $0.m, n: $0.n, k: $0.k, transA: false, transB: false)
        })
        let mainShapes = forward.sorted { ($0.flops, $0.m, $0.n) > ($1.flops, $1.m, $1.n) }.prefix(2)
        let ceiling = mainShapes.map { $0.flops / Self.timeGEMM($0, threads: threads) / 1e9 }.max()!

        // The step's floating-point work: every product it makes (forward and
        // backward), as traced; element-wise work is not counted.
        let flops = shapes.reduce(0.0) { $0 + $1.key.flops * Double($1.value) }
        let tokens = Double(B * (S + T))
        let result = TrainStepResult(
            threads: threads, blasCore: BLASRuntime.coreName, precision: precision,
            msPerStep: median * 1000, tokensPerS: tokens / median, gflops: flops / median / 1e9, flopsPerStep: flops,
            sgemmCeilingGflops: ceiling, fractionOfCeiling: flops / median / 1e9 / ceiling,
            gemmFloorMs: floor * 1000, stepOverFloor: median / floor, inProductsMs: medianInProducts * 1000,
            workersWaitingMs: medianAlone * 1000, callerWaitingMs: imbalance.sorted()[imbalance.count / 2] * 1000,
            gemmCallsPerStep: shapes.values.reduce(0, +), gemmShapes: shapes.count, gemmBreakdown: breakdown,
            packedStepWeights: !noPacked, peakRssMb: Self.peakRSSMegabytes(), stepMs: times.map { $0 * 1000 }, losses: losses,
            phaseMs: ["zero": perStep[0], "forward": perStep[1], "backward": perStep[2], "clip": perStep[3], "adam": perStep[4]],
            shape: ["batch": B, "src_len": S, "tgt_len": T, "vocab": V, "emb": E, "hidden": H, "layers": L])
        print(String(decoding: try StableJSON.encode(result, pretty: false), as: UTF8.self))
        StandardError.write(String(
            format: "s2s train-step (%@): %.1f ms/step, %.0f tokens/s, %.1f GFLOP/s (%.0f%% of the %.1f GFLOP/s GEMM ceiling); GEMM floor %.1f ms, step/floor %.2f; in products %.1f ms; peak RSS %.0f MB\n",
            precision, median * 1000, tokens / median, flops / median / 1e9, 100 * flops / median / 1e9 / ceiling, ceiling,
            floor * 1000, median / floor, medianInProducts * 1000, Self.peakRSSMegabytes()))
    }

    /// Seconds for one GEMM of this shape (best of a few runs), in OpenBLAS
    /// or, for a packed shape, in the packed kernel (packing untimed: the
    /// step packs once per update).
    static func timeGEMM(_ s: Matmul.Shape, threads: Int) -> Double {
        let a = [Float](repeating: 0.01, count: s.m * s.k), b = [Float](repeating: 0.02, count: s.k * s.n)
        var c = [Float](repeating: 0, count: s.m * s.n)
        let packed = s.packed
            ? b.withUnsafeBufferPointer {
                PackedMatrix(stacking: [($0.baseAddress!, s.k)], columns: s.n, precision: Matmul.precision)
            } : nil
        var best = Double.infinity
        let repeats = s.flops > 1e9 ? 3 : s.flops > 1e7 ? 10 : 50
        for _ in 0..<repeats {
            var clock = Stopwatch()
            if let packed {
                packed.multiply(into: &c, a, rows: s.m, accumulate: false, threads: threads)
            } else {
                Matmul.gemm(&c, a, b, m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB)
            }
            best = min(best, clock.lap())
        }
        return best
    }

    /// FLOPs of one step, matrix multiplies only (the formula of
    /// tools/bench/torch_step.py): 2·m·n·k per forward GEMM, and backward
    /// = 2 × forward, so a step is 3 × forward.
    static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
