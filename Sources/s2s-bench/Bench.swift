import ArgumentParser
import S2SCore

import S2SKernels

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-bench",
        abstract: "Benchmarks of s2s's kernels and model (see tools/bench/).",
        subcommands: [TrainStep.self, GemmShape.self, AllreduceBench.self])

    static func main() {
        BLASRuntime.ensureOptimizedKernels()  // may re-execute: before anything else
        StandardStreams.prepare()
        HeapTuning.keepFreedBuffers()
        main(nil)  // ArgumentParser's own entry: parse, run, report errors, exit
    }
}
