import CKernels
import S2SCore
import Foundation

/// A weight matrix packed once into 32-column panels for the small products
/// of decoding: a step multiplies a few rows (the live hypotheses) by every
/// weight, which is memory-bound, and a general GEMM would repack the weights
/// on every call (gemm_packed.c has the kernel and the reasons).
///
/// Several row-major matrices can be stacked along the depth, so that
/// [x; h]·[W; U] is one pass over the weights. Used only where
/// `CPUFeatures.current.contains(.avx512)` (AVX-512); elsewhere callers use `Matmul`.
///
/// In `.bfloat16` the weights are stored, and each product's left operand
/// rounded, to bfloat16 (gemm_packed_bf16.c): twice the multiply-adds per
/// instruction and half the bytes, at 8 significant bits per operand. On a
/// CPU with AMX the same panels can be multiplied on the tile registers
/// (`tiles`, gemm_amx.c): the same operands, another kernel.
public final class PackedMatrix: @unchecked Sendable {
    /// How the packed weights are stored and multiplied.
    public enum Precision: String, Sendable, CaseIterable {
        case float32
        /// Needs `CPUFeatures.current.contains(.bfloat16)` (AVX512_BF16).
        case bfloat16

        /// Bytes per packed value.
        var bytes: Int { self == .float32 ? 4 : 2 }
    }

    /// Rows of the stacked matrix (the length of an input row).
    public let depth: Int
    /// Output columns.
    public let columns: Int
    public let precision: Precision
    /// Whether the bfloat16 products run on AMX tiles (else AVX512_BF16).
    public let tiles: Bool
    let panels: Int
    /// Values in each panel: depth · 32 (bfloat16: depth rounded up to even).
    let panelValues: Int
    let storage: UnsafeMutableRawPointer
    var bytes: Int { panels * panelValues * precision.bytes }


    /// One matrix of a stack: `rows` rows of B, `columns` wide.
    public struct Part {
        public let matrix: UnsafePointer<Float>
        public let rows: Int
        /// nil: row-major (rows, columns) as stored; else B is the transpose
        /// of a row-major (columns, rows) matrix with this row stride.
        public let transposedStride: Int?

        /// A row-major (rows, columns) matrix.
        public init(_ matrix: UnsafePointer<Float>, rows: Int) {
            self.matrix = matrix; self.rows = rows; transposedStride = nil
        }

        /// The transpose of a row-major (columns, rows) matrix M whose rows
        /// are `stride` apart: B = Mᵀ, without forming it (in bfloat16: a
        /// part alone, not stacked).
        public init(transposeOf matrix: UnsafePointer<Float>, rows: Int, stride: Int) {
            self.matrix = matrix; self.rows = rows; transposedStride = stride
        }
    }

    /// Stacks `parts` (row-major, `columns` wide, each with its row count)
    /// along the depth and packs them.
    public convenience init(stacking parts: [(matrix: UnsafePointer<Float>, rows: Int)], columns: Int,
                            precision: Precision = .float32, tiles: Bool? = nil) {
        self.init(depth: parts.reduce(0) { $0 + $1.rows }, columns: columns, precision: precision, tiles: tiles)
        pack(parts.map { Part($0.matrix, rows: $0.rows) }, threads: 1)
    }

    /// Room for a stack of `depth` rows, packed by `pack` (zeros until then).
    /// `tiles` (bfloat16 only): multiply on AMX tiles; nil: where the CPU
    /// has them.
    public init(depth: Int, columns: Int, precision: Precision = .float32, tiles: Bool? = nil) {
        precondition(CPUFeatures.current.contains(.avx512), "PackedMatrix needs AVX-512; use Matmul")
        precondition(precision == .float32 || CPUFeatures.current.contains(.bfloat16),
                     "bfloat16 packing needs AVX512_BF16; check CPUFeatures.current.contains(.bfloat16)")
        let tiles = precision == .bfloat16 && (tiles ?? CPUFeatures.current.contains(.amx))
        precondition(!tiles || CPUFeatures.current.contains(.amx), "AMX tiles are not available; check CPUFeatures.current.contains(.amx)")
        self.columns = columns
        self.precision = precision
        self.tiles = tiles
        self.depth = depth
        panels = (columns + Int(S2S_PANEL) - 1) / Int(S2S_PANEL)
        panelValues = (precision == .float32 ? depth : (depth + 1) / 2 * 2) * Int(S2S_PANEL)
        storage = UnsafeMutableRawPointer(ZeroedMemory.allocate(UInt8.self, count: panels * panelValues * precision.bytes))
    }

    /// Packs `parts`, stacked along the depth (their rows must add up to
    /// `depth`), over what was there: training repacks its weights after
    /// every update into the same memory. Panels are split over `threads`.
    public func pack(_ parts: [Part], threads: Int = KernelThreads.current) {
        precondition(parts.reduce(0) { $0 + $1.rows } == depth, "packed parts must fill the depth")
        let n = Int32(columns), d = Int32(depth)
        let bytes = panels * panelValues * precision.bytes
        if precision == .bfloat16, parts.count == 1 {
            // One matrix (training's packs, repacked at every update): the
            // vectorised packers of BFloat16Gemm, the same layout.
            let part = parts[0], out = storage.assumingMemoryBound(to: UInt16.self)
            forEachPart(bytes >= 1 << 20 ? min(max(threads, 1), panels) : 1) { p0, p1 in
                if let stride = part.transposedStride {
                    s2s_bf16_pack_transposed(part.matrix, stride, d, n, out, Int32(p0), Int32(p1))
                } else {
                    s2s_bf16_pack_rows(part.matrix, self.columns, d, n, out, Int32(p0), Int32(p1))
                }
            }
            return
        }
        // Stacked bfloat16 packing (once per translation run) is not split.
        let split = precision == .float32 && bytes >= 1 << 20
        forEachPart(split ? min(max(threads, 1), panels) : 1) { p0, p1 in
            var offset: Int32 = 0
            for part in parts {
                let k = Int32(part.rows)
                switch (self.precision, part.transposedStride) {
                case (.float32, nil):
                    s2s_pack_panels(part.matrix, self.columns, k, n, self.storage.assumingMemoryBound(to: Float.self),
                                    d, offset, Int32(p0), Int32(p1))
                case (.float32, let stride?):
                    s2s_pack_panels_transposed(part.matrix, stride, k, n,
                                               self.storage.assumingMemoryBound(to: Float.self), d, offset,
                                               Int32(p0), Int32(p1))
                case (.bfloat16, nil):
                    s2s_pack_panels_bf16(part.matrix, self.columns, k, n, self.storage.assumingMemoryBound(to: UInt16.self),
                                         d, offset)
                case (.bfloat16, _?):
                    preconditionFailure("a transposed bfloat16 part is packed alone")
                }
                offset += k
            }
        }
    }

    deinit { ZeroedMemory.deallocate(storage.assumingMemoryBound(to: UInt8.self), count: bytes) }

    /// c (rows, columns) = (accumulate ? c : bias ?? 0) + a·B, with a (rows,
    /// depth) and bias a row vector of `columns` added to every row (in the
    /// kernel's store, instead of copied into c first). Products of over ~1 M
    /// multiply-adds split their panels over `threads`.
    public func multiply(into c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, rows: Int,
                         lda: Int? = nil, ldc: Int? = nil, accumulate: Bool, bias: UnsafePointer<Float>? = nil,
                         threads: Int = KernelThreads.current) {
        if rows == 0 { return }
        if let trace = Matmul.trace { trace(Matmul.Shape(m: rows, n: columns, k: depth, transA: false, transB: false, packed: true)) }
        var clock = Matmul.secondsInProducts == nil ? nil : Stopwatch()
        defer { if let lap = clock?.lap() { Matmul.secondsInProducts! += lap } }
        let lda = lda ?? depth, ldc = ldc ?? columns
        let parts = rows * depth * columns >= 1 << 20 ? min(max(threads, 1), panels) : 1
        switch precision {
        case .float32:
            let b = UnsafePointer(storage.assumingMemoryBound(to: Float.self))
            forEachPart(parts) { p0, p1 in
                s2s_gemm_packed(Int32(rows), Int32(self.columns), Int32(self.depth), a, lda, b, c, ldc,
                                accumulate ? 1 : 0, bias, Int32(p0), Int32(p1))
            }
        case .bfloat16:
            // a rounded once per product, in rows of the padded depth.
            let ldh = (depth + 1) / 2 * 2
            withUnsafeTemporaryAllocation(of: UInt16.self, capacity: rows * ldh) { h in
                s2s_to_bf16(Int32(rows), Int32(depth), a, lda, h.baseAddress!, ldh)
                let ah = UnsafePointer(h.baseAddress!), b = UnsafePointer(storage.assumingMemoryBound(to: UInt16.self))
                let kernel = tiles ? s2s_gemm_amx_bf16 : s2s_gemm_packed_bf16
                forEachPart(parts) { p0, p1 in
                    kernel(Int32(rows), Int32(self.columns), Int32(self.depth), ah, ldh, b, c, ldc,
                           accumulate ? 1 : 0, bias, Int32(p0), Int32(p1))
                }
            }
        }
    }

    /// Runs `body` over `parts` disjoint ranges of panels, in parallel when
    /// more than one.
    private func forEachPart(_ parts: Int, _ body: (Int, Int) -> Void) {
        Parallel.ranges(panels, parts: parts) { body($0.lowerBound, $0.upperBound) }
    }

    /// The same over a model's generic buffers, which must be Float (a model
    /// holds packed weights only when it is a Seq2Seq<Float>).
    @inlinable
    public func multiply<T: Real>(into c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, rows: Int, accumulate: Bool,
                                  bias: UnsafePointer<T>?) {
        precondition(T.self == Float.self, "packed weights are Float")
        multiply(into: UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self),
                 UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), rows: rows, accumulate: accumulate,
                 bias: bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) })
    }

    /// x rounded to bfloat16 (to nearest, ties to even), as a Float.
    public static func bfloat16Rounded(_ x: Float) -> Float { s2s_bf16_to_float(s2s_float_to_bf16(x)) }
    /// x rounded to bfloat16 (nearest even), as its 16 bits.
    public static func bfloat16Bits(_ x: Float) -> UInt16 { s2s_float_to_bf16(x) }

}

/// A value handed to worker threads that touch disjoint parts of what it
/// points to (the caller vouches for that; the compiler cannot check it).
public struct UnsafeSendable<P>: @unchecked Sendable {
    public let pointer: P
    public init(_ pointer: P) { self.pointer = pointer }
}
