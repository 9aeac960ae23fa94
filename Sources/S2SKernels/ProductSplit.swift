import S2SCore

/// How a large product may be cut into one-thread OpenBLAS calls on ranges
/// of C's columns or rows so that every value of C is the one a single call
/// gives: the values then do not depend on the thread count. Whether a cut
/// changes values depends on OpenBLAS's kernel family, which is chosen at
/// run time from the CPU: the AVX-512 kernels (SkylakeX, Cooperlake) give
/// the same values for any cut at 16-value boundaries; the AVX2 kernels
/// (Haswell, also chosen for AMD's Zen) change a few percent of the values
/// under any column cut, and under row cuts that are not multiples of 24.
/// So the rule is measured, once per scalar type, on first use: a few
/// products of ~1–5 M multiply-adds, cut at the boundaries `Matmul.gemm`
/// uses, against one call (about a millisecond).
public struct ProductSplit: Equatable, Sendable {
    /// Column ranges starting at multiples of 16.
    public var columns: Bool
    /// Row ranges starting at multiples of 16.
    public var rows16: Bool
    /// Row ranges starting at multiples of 48 (also multiples of 24).
    public var rows48: Bool

    public init(columns: Bool, rows16: Bool, rows48: Bool) {
        self.columns = columns; self.rows16 = rows16; self.rows48 = rows48
    }

    /// How to cut a product of C (m, n): along columns or rows, and the
    /// alignment of each range's start; nil: do not cut.
    public func cut(m: Int, n: Int) -> (columns: Bool, alignment: Int)? {
        if columns && (n >= m || !(rows16 || rows48)) { return (true, 16) }
        if rows16 { return (false, 16) }
        if rows48 { return (false, 48) }
        return nil
    }

    @usableFromInline static let float = measure(Float.self)
    @usableFromInline static let double = measure(Double.self)

    /// The rule for T's OpenBLAS routine (sgemm or dgemm).
    @inlinable
    public static func rule<T: Real>(_: T.Type) -> ProductSplit { T.self == Float.self ? float : double }

    /// Cuts C (m = 144, n = 192, k = 256) at the given column or row
    /// starts and compares with one call, bit for bit.
    static func measure<T: Real>(_: T.Type) -> ProductSplit {
        _ = KernelThreads.blasSingleThreaded
        let m = 144, n = 192, k = 256
        var rng = SplitMix64(seed: 0x5EED)
        let a = (0..<m * k).map { _ in T(Double(rng.next() % 2001) / 1000 - 1) }
        let b = (0..<k * n).map { _ in T(Double(rng.next() % 2001) / 1000 - 1) }
        func product(columnStarts: [Int], rowStarts: [Int]) -> [T] {
            var c = [T](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        let cols = zip(columnStarts, columnStarts.dropFirst() + [n])
                        let rows = zip(rowStarts, rowStarts.dropFirst() + [m])
                        for (c0, c1) in cols {
                            for (r0, r1) in rows {
                                T.gemm(transA: false, transB: false, m: r1 - r0, n: c1 - c0, k: k, alpha: 1,
                                       a: a.baseAddress! + r0 * k, lda: k, b: b.baseAddress! + c0, ldb: n,
                                       beta: 0, c: c.baseAddress! + r0 * n + c0, ldc: n)
                            }
                        }
                    }
                }
            }
            return c
        }
        let whole = product(columnStarts: [0], rowStarts: [0])
        return ProductSplit(columns: product(columnStarts: [0, 80, 144], rowStarts: [0]) == whole,
                            rows16: product(columnStarts: [0], rowStarts: [0, 32, 80]) == whole,
                            rows48: product(columnStarts: [0], rowStarts: [0, 48, 96]) == whole)
    }
}
