import CBLAS
import Foundation

/// How many cores the kernels use: one setting for all of them.
///
/// OpenBLAS is kept at one thread. Products large enough to share
/// (`Matmul.gemm`, `PackedMatrix`) are split here into one-thread calls on
/// column or row ranges, and run with the other split work (softmax rows,
/// attention rows, column sums, Adam) on one pool of threads that spin
/// between jobs (CKernels' pool.c, through `Parallel.ranges`). With
/// OpenBLAS's own threads beside the pool, either set spins while the other
/// wants the core: the reference training step took 1,104 ms (median of 15,
/// alternating in one process) with OpenBLAS's threads against 1,054 ms with
/// the split products on Dispatch and 1,036 ms on the spinning pool.
public enum KernelThreads {
    /// s2s-train and s2s-translate's --threads; all cores by default.
    public static func set(_ n: Int) { count = max(1, n) }
    public static var current: Int { count }

    nonisolated(unsafe) private static var count = ProcessInfo.processInfo.activeProcessorCount

    /// Evaluated before the first OpenBLAS call: one thread, once.
    @usableFromInline static let blasSingleThreaded: Void = openblas_set_num_threads(1)
}
