import S2SCore

/// Matrix multiplication: OpenBLAS `?gemm` for speed (split over
/// `KernelThreads`), and a naive triple loop that the tests hold it to.
public enum Matmul {
    /// One GEMM's shape, as reported to `trace`.
    public struct Shape: Hashable, Sendable {
        public let m, n, k: Int
        public let transA, transB: Bool
        /// Run by `PackedMatrix` against weights packed beforehand (B as
        /// packed; the transposes are not told apart), not by OpenBLAS.
        public let packed: Bool
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

        public init(m: Int, n: Int, k: Int, transA: Bool, transB: Bool, packed: Bool = false) {
            self.m = m; self.n = n; self.k = k; self.transA = transA; self.transB = transB; self.packed = packed
        }
    }

    /// Benchmarks set this to list every GEMM a step makes (to time each
    /// shape alone: the step's GEMM floor). Nil, and never set, in normal use.
    nonisolated(unsafe) public static var trace: ((Shape) -> Void)?

    /// Benchmarks set this to 0 to add up the wall-clock seconds spent inside
    /// products (OpenBLAS and `PackedMatrix`): a step's time outside them is
    /// the rest. Nil, and never set, in normal use.
    nonisolated(unsafe) public static var secondsInProducts: Double?

    /// The precision of Float products bound for the calling code
    /// (`KernelSettings.precision`; training in bfloat16 binds `.bfloat16`).
    public static var precision: PackedMatrix.Precision { KernelSettings.current.precision }

    /// C = alpha·op(A)·op(B) + beta·C (row-major). op(A): (m, k), op(B): (k, n), C: (m, n).
    /// `lda`/`ldb`/`ldc` default to the packed row lengths of A, B (as stored) and C;
    /// `precision` to `Matmul.precision`.
    @inlinable
    public static func gemm<T: Real>(
        _ c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
        m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
        alpha: T = 1, beta: T = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil,
        precision: PackedMatrix.Precision? = nil
    ) {
        if m == 0 || n == 0 { return }
        if let trace { trace(Shape(m: m, n: n, k: k, transA: transA, transB: transB)) }
        var clock = secondsInProducts == nil ? nil : Stopwatch()
        defer { if let lap = clock?.lap() { secondsInProducts! += lap } }
        let lda = lda ?? (transA ? m : k), ldb = ldb ?? (transB ? k : n), ldc = ldc ?? n
        if T.self == Float.self, (precision ?? Self.precision) == .bfloat16, alpha == 1, beta == 0 || beta == 1 {
            BFloat16Gemm.gemm(UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self),
                              UnsafeRawPointer(a).assumingMemoryBound(to: Float.self),
                              UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), m: m, n: n, k: k,
                              transA: transA, transB: transB, accumulate: beta == 1, lda: lda, ldb: ldb, ldc: ldc)
            return
        }
        _ = KernelThreads.blasSingleThreaded
        // Parts of ≥ 2^20 multiply-adds: one-thread OpenBLAS calls on
        // disjoint column ranges of C (row ranges when C is taller than
        // wide), side by side. Each value of C is still one call's dot
        // product over all of k, no part is small enough for OpenBLAS's
        // small-matrix kernels (≤ 10^6), and the cut is one that this CPU's
        // OpenBLAS kernels compute bit for bit as one call does
        // (`ProductSplit`): the values do not depend on the split (tested).
        let perPart = 1 << 20
        let threads = KernelThreads.current
        let cut = m * n * k >= 2 * perPart && threads > 1 ? ProductSplit.rule(T.self).cut(m: m, n: n) : nil
        let parts = cut == nil ? 1 : threads
        let cs = UnsafeSendable(c)
        if cut?.columns ?? true {
            let minimum = max(64, (perPart + m * k - 1) / max(m * k, 1))
            Parallel.ranges(n, parts: parts, minimum: minimum, alignment: cut?.alignment ?? 16) { r in
                T.gemm(transA: transA, transB: transB, m: m, n: r.count, k: k, alpha: alpha,
                       a: a, lda: lda, b: transB ? b + r.lowerBound * ldb : b + r.lowerBound, ldb: ldb,
                       beta: beta, c: cs.pointer + r.lowerBound, ldc: ldc)
            }
        } else {
            let minimum = max(cut!.alignment, (perPart + n * k - 1) / max(n * k, 1))
            Parallel.ranges(m, parts: parts, minimum: minimum, alignment: cut!.alignment) { r in
                T.gemm(transA: transA, transB: transB, m: r.count, n: n, k: k, alpha: alpha,
                       a: transA ? a + r.lowerBound : a + r.lowerBound * lda, lda: lda, b: b, ldb: ldb,
                       beta: beta, c: cs.pointer + r.lowerBound * ldc, ldc: ldc)
            }
        }
    }

    /// The reference: the definition, one multiply-add at a time, in Double.
    public static func gemmNaive<T: Real>(
        _ c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
        m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
        alpha: T = 1, beta: T = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        let lda = lda ?? (transA ? m : k), ldb = ldb ?? (transB ? k : n), ldc = ldc ?? n
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let aip = transA ? a[p * lda + i] : a[i * lda + p]
                    let bpj = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(aip) * Double(bpj)
                }
                let old: T = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * T(sum) + old
            }
        }
    }
}
