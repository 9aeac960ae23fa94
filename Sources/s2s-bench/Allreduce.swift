import ArgumentParser
import Foundation
import S2SCore
import S2SDistributed
import S2SModel

/// One allreduce (sum, in place) of a gradient-sized buffer between the
/// processes of an mpirun job, as data-parallel s2s-train does once per
/// update. Rank 0 prints one JSON line: the median time, and the bus
/// bandwidth 2(N−1)/N × bytes / time (what a ring allreduce moves per
/// process), comparable across process counts.
struct AllreduceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "Time one allreduce of the reference model's gradient between the processes of an mpirun job.")

    @Option(help: "Floats to sum (default: the parameters of the reference shape: 2×512 LSTMs, general attention, input feeding, vocabularies of 10,000).")
    var floats: Int?
    @Option(help: "Timed allreduces (the median is reported).") var repeats = 10

    func run() throws {
        guard let launch = OpenMPI.Launch(environment: ProcessInfo.processInfo.environment) else {
            throw ValidationError("run it under mpirun, e.g. mpirun -np 2 s2s-bench allreduce (tools/bench/allreduce.sh)")
        }
        let mpi = try OpenMPI(library: launch.library)
        var reference = ModelConfig(sourceVocabularySize: 10_000, targetVocabularySize: 10_000)
        reference.embeddingSize = 512; reference.hiddenSize = 512; reference.layers = 2
        reference.attention = .general; reference.inputFeeding = true
        let count = floats ?? ParameterLayout(config: reference).count
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { buffer.deallocate() }
        var times: [Double] = []
        for i in 0..<(repeats + 2) {
            buffer.update(repeating: Float(mpi.rank + 1), count: count)
            var ready = [0.0]
            try mpi.sum(&ready)  // every rank starts the timed sum together
            var clock = Stopwatch()
            try mpi.sum(buffer, count: count)
            if i >= 2 { times.append(clock.lap()) }  // two untimed: connections and pages
        }
        // Σ (r + 1) over the ranks, everywhere.
        let expected = Float(mpi.size * (mpi.size + 1) / 2)
        guard buffer[0] == expected && buffer[count - 1] == expected else {
            throw ValidationError("rank \(mpi.rank): the allreduce gave \(buffer[0]), not \(expected)")
        }
        try mpi.finalize()
        guard mpi.rank == 0 else { return }
        let median = times.sorted()[times.count / 2]
        let bytes = Double(count * MemoryLayout<Float>.stride)
        let n = Double(mpi.size)
        let line = AllreduceResult(processes: mpi.size, floats: count, msMedian: median * 1000, msMin: times.min()! * 1000,
                                   busBandwidthGbS: 2 * (n - 1) / n * bytes / median / 1e9)
        print(String(decoding: try StableJSON.encode(line, pretty: false), as: UTF8.self))
    }
}
