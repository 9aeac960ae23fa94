import Foundation

/// How the kernels run for the code that calls them: over how many cores
/// they split work (`KernelThreads`), and in which precision Float products
/// through `Matmul` run.
///
/// Scoped, never process-wide: `run` binds settings for the duration of a
/// call, on the calling thread (a task-local value: child tasks inherit it;
/// other threads, such as Dispatch's, start from `standard`). So two
/// translators, or a translator and a training run, may use different
/// settings side by side, and a search that splits into shards gives each
/// shard its own one-thread settings without touching anyone else's.
/// The owner of a computation binds them once: the trainer for a run, a
/// loaded model's translator for each search (its threads, and the
/// whole-sequence precision its decoding plan chose).
public struct KernelSettings: Sendable, Equatable {
    /// Cores the kernels split work over (≥ 1).
    public var threads: Int
    /// The precision of Float products through `Matmul`: `.bfloat16`
    /// rounds both operands of every product with alpha 1 and beta 0 or 1
    /// to bfloat16 and sums in float (`BFloat16Gemm`, where
    /// `CPUFeatures.current.contains(.bfloat16)`). Double products are never rounded.
    public var precision: PackedMatrix.Precision

    /// Settings with the given values; those not given are the caller's.
    public init(threads: Int? = nil, precision: PackedMatrix.Precision? = nil) {
        self.threads = max(1, threads ?? Self.current.threads)
        self.precision = precision ?? Self.current.precision
    }

    private init(standardThreads: Int) {
        threads = max(1, standardThreads)
        precision = .float32
    }

    /// Where nothing was bound: every core, float32.
    public static let standard = KernelSettings(standardThreads: ProcessInfo.processInfo.activeProcessorCount)

    /// The settings bound for the calling code (`standard` where none are).
    public static var current: KernelSettings { bound }

    @TaskLocal private static var bound = standard

    /// Runs `body` with these settings, then restores the caller's.
    public func run<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = Self.$bound.withValue(self) { Result { () throws(E) -> R in try body() } }
        return try result.get()
    }
}
