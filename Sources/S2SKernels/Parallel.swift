import CKernels

/// Work split over the cores in contiguous ranges, on the spinning pool of
/// CKernels' pool.c: the halves of large products (OpenBLAS and packed),
/// softmax rows, attention rows, column sums, Adam (see `KernelThreads`).
public enum Parallel {
    /// Runs `body` on up to `parts` disjoint ranges covering 0 ..< count,
    /// side by side, each of at least `minimum` items (fewer parts when the
    /// count is small: a hand-off to another thread costs microseconds; on
    /// the calling thread alone when one part is left). Range starts are
    /// rounded up to a multiple of `alignment` (e.g. 16 values: whole vectors
    /// and separate cache lines for each thread). The caller vouches that
    /// the ranges touch disjoint memory.
    public static func ranges(_ count: Int, parts: Int, minimum: Int = 1, alignment: Int = 1,
                              _ body: (Range<Int>) -> Void) {
        let parts = min(parts, count / max(minimum, 1))
        if parts <= 1 || count <= 1 { body(0..<count); return }
        withoutActuallyEscaping(body) { body in
            var job = Job(count: count, parts: parts, alignment: alignment, body: body)
            withUnsafeMutablePointer(to: &job) { job in
                s2s_pool_run(Int32(parts), { context, part in
                    let job = context!.assumingMemoryBound(to: Job.self).pointee
                    let lo = job.start(Int(part)), hi = job.start(Int(part) + 1)
                    if lo < hi { job.body(lo..<hi) }
                }, job)
            }
        }
    }

    /// Rows of `width` values per part, for elementwise work over rows
    /// (cells, bias rows): ~2,048 values, a few microseconds, against a
    /// hand-off of about one to the spinning pool.
    @inlinable
    public static func minimumRows(width: Int) -> Int { max(1, 2048 / max(width, 1)) }

    /// Seconds the pool's workers have spent awake without work, summed
    /// since the start: during a training step, the time the caller worked
    /// alone (benchmarks read the difference over a step).
    public static var secondsWaited: Double { Double(s2s_pool_waited_ns()) / 1e9 }

    /// Seconds callers have spent waiting for the workers' last parts of a
    /// job, summed since the start: the imbalance between parts.
    public static var secondsCallerWaited: Double { Double(s2s_pool_caller_waited_ns()) / 1e9 }

    /// What the pool's parts read: how to split, and the body.
    private struct Job {
        let count, parts, alignment: Int
        let body: (Range<Int>) -> Void

        /// Where part i starts (i = parts: the end).
        func start(_ i: Int) -> Int {
            i == parts ? count : min(count, (count * i / parts + alignment - 1) / alignment * alignment)
        }
    }
}
