import CKernels
import Foundation

/// A weight matrix packed once into 32-column panels for the small products
/// of decoding: a step multiplies a few rows (the live hypotheses) by every
/// weight, which is memory-bound, and a general GEMM would repack the weights
/// on every call (gemm_packed.c has the kernel and the reasons).
///
/// Several row-major matrices can be stacked along the depth, so that
/// [x; h]·[W; U] is one pass over the weights. Used only where
/// `PackedMatrix.isAvailable` (AVX-512); elsewhere callers use `Matmul`.
public final class PackedMatrix: @unchecked Sendable {
    /// Rows of the stacked matrix (the length of an input row).
    public let depth: Int
    /// Output columns.
    public let columns: Int
    let panels: Int
    let storage: UnsafeMutablePointer<Float>
    var count: Int { panels * depth * Int(S2S_PANEL) }

    /// Whether this CPU runs the packed kernel.
    public static let isAvailable = s2s_packed_available() != 0

    /// Stacks `parts` (row-major, `columns` wide, each with its row count)
    /// along the depth and packs them.
    public init(stacking parts: [(matrix: UnsafePointer<Float>, rows: Int)], columns: Int) {
        precondition(PackedMatrix.isAvailable, "PackedMatrix needs AVX-512; use Matmul")
        self.columns = columns
        depth = parts.reduce(0) { $0 + $1.rows }
        panels = (columns + Int(S2S_PANEL) - 1) / Int(S2S_PANEL)
        storage = ZeroedMemory.allocate(Float.self, count: panels * depth * Int(S2S_PANEL))
        var offset = 0
        for part in parts {
            s2s_pack_panels(part.matrix, columns, Int32(part.rows), Int32(columns), storage, Int32(depth), Int32(offset))
            offset += part.rows
        }
    }

    deinit { ZeroedMemory.deallocate(storage, count: count) }

    /// c (rows, columns) = (accumulate ? c : 0) + a·B, with a (rows, depth).
    /// Products of over ~1 M multiply-adds split their panels over `threads`.
    public func multiply(into c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, rows: Int,
                         lda: Int? = nil, ldc: Int? = nil, accumulate: Bool, threads: Int = PackedMatrix.threads) {
        if rows == 0 { return }
        let lda = lda ?? depth, ldc = ldc ?? columns
        let parts = rows * depth * columns >= 1 << 20 ? min(max(threads, 1), panels) : 1
        if parts == 1 {
            s2s_gemm_packed(Int32(rows), Int32(columns), Int32(depth), a, lda, storage, c, ldc,
                            accumulate ? 1 : 0, 0, Int32(panels))
            return
        }
        let shared = (a: UnsafeSendable(a), c: UnsafeSendable(c))
        DispatchQueue.concurrentPerform(iterations: parts) { i in
            let p0 = panels * i / parts, p1 = panels * (i + 1) / parts
            s2s_gemm_packed(Int32(rows), Int32(self.columns), Int32(self.depth), shared.a.pointer, lda,
                            self.storage, shared.c.pointer, ldc, accumulate ? 1 : 0, Int32(p0), Int32(p1))
        }
    }

    /// The same over a model's generic buffers, which must be Float (a model
    /// holds packed weights only when it is a Seq2Seq<Float>).
    @inlinable
    public func multiply<T: Real>(into c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, rows: Int, accumulate: Bool) {
        precondition(T.self == Float.self, "packed weights are Float")
        multiply(into: UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self),
                 UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), rows: rows, accumulate: accumulate)
    }

    /// Threads for the packed products (s2s-translate --threads sets it with OpenBLAS's).
    nonisolated(unsafe) public static var threads = ProcessInfo.processInfo.activeProcessorCount
}

/// A pointer handed to worker threads that write disjoint parts of it.
struct UnsafeSendable<P>: @unchecked Sendable {
    let pointer: P
    init(_ pointer: P) { self.pointer = pointer }
}
