internal import Foundation
internal import S2SCore
internal import S2SDistributed
internal import S2SKernels
internal import S2SText
internal import S2STraining

/// Where a run trains: one process or the ranks of an mpirun job, and
/// whether the machine has the memory for it.
extension Training {
    /// One process (SingleProcess), or a rank of the mpirun job that
    /// started this one (and what mpirun's environment says of it), and the
    /// kernels' thread count: `threads`, or by default this host's cores
    /// shared among its ranks.
    static func joinJob(threads: Int?) throws -> (Communicator, OpenMPI.Launch?, threads: Int?) {
        let launch = OpenMPI.Launch(environment: ProcessInfo.processInfo.environment)
        var threads = threads
        if threads == nil, let launch, launch.localSize > 1 {
            threads = max(1, ProcessInfo.processInfo.activeProcessorCount / launch.localSize)
        }
        guard let launch else { return (SingleProcess(), nil, threads) }
        return (try OpenMPI(library: launch.library), launch, threads)
    }

    /// Refuses a run that would not fit in memory, before anything is
    /// allocated or written; the bytes it needs.
    func checkMemory(_ run: ModelFolder.RunConfig, train: TokenShard, processes: Int) throws -> Double {
        let need = Trainer.estimatedBytes(config: run, train: train, processes: processes)
        guard let available = SystemMemory.availableBytes(), need > available else { return need }
        let m = run.model, t = run.training
        let shape = "--embedding-size \(m.embeddingSize) --hidden-size \(m.hiddenSize) --layers \(m.layers), vocabularies "
            + "\(m.sourceVocabularySize)/\(m.targetVocabularySize), "
            + (t.batchTokens > 0 ? "--batch-tokens \(t.batchTokens)" : "--batch-size \(t.batchSize)")
            + (t.passTokens.map { " --pass-tokens \($0)" } ?? "")
        let needs = """
            This model needs about \(SystemMemory.format(bytes: need)) of memory to train (\(shape): parameters, \
            gradients, Adam's moments and activations), but \(SystemMemory.format(bytes: available)) are available.
            """
        // A pair is never cut: when one alone needs most of it, no batch
        // option helps, and the pair is what to name.
        let pair = CostliestPair(config: m, train: train)
        guard pair.dominates(need: need, available: available) else {
            throw S2SError.options(problem: needs + " Lower --hidden-size, --embedding-size or --layers, or the batch (--batch-tokens, --pass-tokens).",
                                   hint: "")
        }
        let drop = pair.maxLength.map { length in
            "s2s-prep --max-len \(length) drops it" + (pair.dropped > 1 ? " (and \(pair.dropped - 1) more pairs as long)" : "")
                + ", or split that line"
        } ?? "Split that line"
        throw S2SError.options(problem: needs + """
             The longest training pair sets this need: \(pairPlace(pair.index)) has \(pair.source) source and \
            \(pair.target) target subwords, and needs about \(SystemMemory.format(bytes: pair.bytes)) alone in a batch, \
            which --batch-tokens and --pass-tokens cannot lower. \(drop).
            """, hint: "")
    }

    /// "pair 12 of data/x/train.s2sb (line 12 of corpus/train.src)": the
    /// line as far as the vocabulary's prep.json tells it (s2s-prep keeps
    /// the corpus's order, and says how many lines it dropped).
    func pairPlace(_ index: Int) -> String {
        let pair = "pair \(index + 1) of \(data)/train.s2sb"
        guard let bytes = FileManager.default.contents(atPath: vocabulary + "/prep.json"),
              let manifest = try? PrepManifest(json: bytes),
              let split = manifest.splits["train"] else { return pair }
        let dropped = split.dropped.values.reduce(0, +)
        return dropped == 0 ? "\(pair) (line \(index + 1) of \(split.sourceFile))"
                            : "\(pair) (line \(index + 1) or later of \(split.sourceFile): s2s-prep dropped \(dropped) lines)"
    }
}
