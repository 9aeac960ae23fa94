import Foundation

/// Work split over the cores in contiguous ranges: the kernels that are not
/// BLAS calls (packed products, softmax rows, attention rows, column sums,
/// Adam) use it so that both cores work while OpenBLAS is not running.
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
        func start(_ i: Int) -> Int {
            i == parts ? count : min(count, (count * i / parts + alignment - 1) / alignment * alignment)
        }
        let starts = (0...parts).map(start)
        withoutActuallyEscaping(body) { body in
            let shared = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { i in
                if starts[i] < starts[i + 1] { shared.pointer(starts[i]..<starts[i + 1]) }
            }
        }
    }
}
