import CBLAS
import Foundation

/// How many cores the kernels use: one setting for all of them, bound by
/// whoever owns the computation (`KernelSettings`).
///
/// OpenBLAS is kept at one thread. Products large enough to share
/// (`Matmul.gemm`, `PackedMatrix`) are split here into one-thread calls on
/// column or row ranges, and run with the other split work (softmax rows,
/// attention rows, column sums, Adam) on one pool of threads that spin
/// between jobs (CKernels' pool.c, through `Parallel.ranges`). One set of
/// threads, because OpenBLAS's own threads beside the pool would spin while
/// the pool's want the core, and because waking parked threads (Dispatch)
/// costs about 50 µs a hand-off on the machine measured, against about
/// 150 µs of work in a per-step product half. Measurements: docs/PERFORMANCE.md.
public enum KernelThreads {
    /// The thread count bound for the calling code (`KernelSettings`:
    /// --threads of the command, or every core).
    public static var current: Int { KernelSettings.current.threads }

    /// Evaluated before the first OpenBLAS call: one thread, once.
    @usableFromInline static let blasSingleThreaded: Void = openblas_set_num_threads(1)
}
