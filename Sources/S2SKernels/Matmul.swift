import S2SCore

/// Matrix multiplication: OpenBLAS `?gemm` for speed, and a naive triple loop
/// that the tests hold it to.
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

    /// C = alpha·op(A)·op(B) + beta·C (row-major). op(A): (m, k), op(B): (k, n), C: (m, n).
    /// `lda`/`ldb`/`ldc` default to the packed row lengths of A, B (as stored) and C.
    @inlinable
    public static func gemm<T: Real>(
        _ c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
        m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
        alpha: T = 1, beta: T = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        if m == 0 || n == 0 { return }
        if let trace { trace(Shape(m: m, n: n, k: k, transA: transA, transB: transB)) }
        var clock = secondsInProducts == nil ? nil : Stopwatch()
        defer { if let lap = clock?.lap() { secondsInProducts! += lap } }
        T.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
               a: a, lda: lda ?? (transA ? m : k), b: b, ldb: ldb ?? (transB ? k : n),
               beta: beta, c: c, ldc: ldc ?? n)
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
