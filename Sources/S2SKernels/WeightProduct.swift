/// A weight matrix B (depth, columns) that a step multiplies rows by,
/// c (rows, columns) = (accumulate ? c : bias ?? 0) + a·B, with the
/// product's precision behind this one call: the packed form the model holds
/// for B where it has one (training's float32 or bfloat16 `PackedMatrix`,
/// decoding's `DecodingMatrix` on the path chosen for it: float32, bfloat16,
/// AMX, int8 or OpenBLAS), else `Matmul` on B as stored, in
/// `Matmul.precision`. B is stored as it is, or transposed, (columns,
/// depth): W_cᵀ, Uᵀ and W_oᵀ in the backward, the tied embeddings as W_o.
public struct WeightProduct<T: Real> {
    public let stored: UnsafePointer<T>
    public let depth: Int
    public let columns: Int
    public let transposed: Bool
    public let packed: (any MatrixProduct)?

    @inlinable
    public init(_ stored: UnsafePointer<T>, depth: Int, columns: Int, transposed: Bool = false,
                packed: (any MatrixProduct)? = nil) {
        self.stored = stored
        self.depth = depth
        self.columns = columns
        self.transposed = transposed
        self.packed = packed
    }

    /// c (rows, columns) = (accumulate ? c : bias ?? 0) + a·B for a (rows,
    /// depth), rows `lda` apart (nil: depth; `Matmul` only), and bias (nil:
    /// none) a row vector added to every row. `Matmul` has no bias: the rows
    /// start as copies of it.
    @inlinable
    public func multiply(into c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, rows: Int, accumulate: Bool,
                         bias: UnsafePointer<T>? = nil, lda: Int? = nil) {
        if let packed {
            precondition(lda == nil, "a packed product reads rows of a as they are")
            packed.multiply(into: c, a, rows: rows, accumulate: accumulate, bias: bias)
            return
        }
        let biased = !accumulate && bias != nil
        if biased, let bias { broadcastRows(c, bias, rows: rows, width: columns) }
        Matmul.gemm(c, a, stored, m: rows, n: columns, k: depth, transB: transposed, beta: accumulate || biased ? 1 : 0,
                    lda: lda)
    }
}
