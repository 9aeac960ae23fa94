import S2SCore
/// Embedding lookup. Row 0 (`<pad>`) is kept zero: initialised to zero and
/// never given a gradient, so padding contributes nothing.
public enum Embedding {

    /// out (N, E) = table[ids[n]] for each n; table is (V, E).
    @inlinable
    public static func forward<T: Real>(
        out: UnsafeMutablePointer<T>, ids: UnsafePointer<Int32>, table: UnsafePointer<T>,
        count: Int, dim: Int
    ) {
        for n in 0..<count {
            (out + n * dim).update(from: table + Int(ids[n]) * dim, count: dim)
        }
    }

    /// dTable[ids[n]] += dOut[n] for every non-padding id (scatter-add).
    @inlinable
    public static func backward<T: Real>(
        dTable: UnsafeMutablePointer<T>, dOut: UnsafePointer<T>, ids: UnsafePointer<Int32>,
        count: Int, dim: Int
    ) {
        for n in 0..<count where ids[n] != SpecialTokens.pad {
            let row = dTable + Int(ids[n]) * dim, d = dOut + n * dim
            for k in 0..<dim { row[k] += d[k] }
        }
    }
}
