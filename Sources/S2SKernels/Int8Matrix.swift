import CKernels

/// Decoding weights quantised once to int8, one scale per output column,
/// stacked from parts along the depth like `PackedMatrix`, multiplied by
/// rows quantised per call (gemm_int8.c: AVX512-VNNI, exact int32 sums,
/// then both scales; or the same on AMX tiles, gemm_amx.c, the same bits).
/// Plain parts only (tied output weights are transposed into a plain copy
/// first).
public final class Int8Matrix: MatrixProduct, @unchecked Sendable {

    public let depth: Int
    public let columns: Int
    /// Whether the products run on AMX tiles (tdpbusd) instead of vpdpbusd.
    public let tiles: Bool
    let panels: Int
    let packed: UnsafeMutablePointer<Int8>
    let scale: [Float]
    let columnSums: [Int32]

    /// Stacks row-major (rows, columns) parts and quantises them. `tiles`:
    /// multiply on AMX tiles; nil: where the CPU has them.
    public init(stacking parts: [(matrix: UnsafePointer<Float>, rows: Int)], columns: Int, tiles: Bool? = nil) {
        precondition(CPUFeatures.current.contains(.vnni), "Int8Matrix needs AVX512-VNNI; check CPUFeatures.current.contains(.vnni)")
        let tiles = tiles ?? CPUFeatures.current.contains(.amx)
        precondition(!tiles || CPUFeatures.current.contains(.amx), "AMX tiles are not available; check CPUFeatures.current.contains(.amx)")
        self.tiles = tiles
        self.columns = columns
        depth = parts.reduce(0) { $0 + $1.rows }
        panels = (columns + Int(S2S_PANEL) - 1) / Int(S2S_PANEL)
        let count = panels * ((depth + 3) / 4) * 4 * Int(S2S_PANEL)
        packed = .allocate(capacity: max(count, 1))
        packed.initialize(repeating: 0, count: max(count, 1))
        // Per column: the largest magnitude over the whole stack, to ±127.
        var largest = [Float](repeating: 0, count: columns)
        for part in parts { s2s_column_abs_max(part.matrix, columns, Int32(part.rows), Int32(columns), &largest) }
        scale = largest.map { $0 / 127 }
        var offset: Int32 = 0
        for part in parts {
            s2s_int8_pack(part.matrix, columns, Int32(part.rows), Int32(columns), scale, packed, Int32(depth), offset)
            offset += Int32(part.rows)
        }
        var sums = [Int32](repeating: 0, count: columns)
        s2s_int8_column_sums(packed, Int32(columns), Int32(depth), &sums)
        columnSums = sums
    }

    deinit { packed.deallocate() }

    /// c (rows, columns) = (accumulate ? c : bias ?? 0) + a·B, a (rows, depth),
    /// bias a row vector of `columns`; split over the threads by panels for
    /// products of over ~1 M multiply-adds.
    public func multiply<T: Real>(into c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, rows: Int, accumulate: Bool,
                                  bias: UnsafePointer<T>?) {
        precondition(T.self == Float.self, "int8 decoding weights multiply Float rows")
        if rows == 0 { return }
        let cf = UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self)
        let af = UnsafeRawPointer(a).assumingMemoryBound(to: Float.self)
        let bf = bias.map { UnsafeSendable(UnsafeRawPointer($0).assumingMemoryBound(to: Float.self)) }
        let ldq = (depth + 3) / 4 * 4
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rows * ldq) { q in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: rows) { s in
                s2s_int8_quantize_rows(Int32(rows), Int32(depth), af, depth, q.baseAddress!, ldq, s.baseAddress!)
                let parts = rows * depth * columns >= 1 << 20 ? min(max(KernelThreads.current, 1), panels) : 1
                let qs = UnsafeSendable(q.baseAddress!), ss = UnsafeSendable(s.baseAddress!), cs = UnsafeSendable(cf)
                scale.withUnsafeBufferPointer { bs in
                    columnSums.withUnsafeBufferPointer { sums in
                        let bsp = UnsafeSendable(bs.baseAddress!), sp = UnsafeSendable(sums.baseAddress!)
                        let kernel = tiles ? s2s_gemm_amx_int8 : s2s_gemm_int8
                        Parallel.ranges(panels, parts: parts) { r in
                            kernel(Int32(rows), Int32(self.columns), Int32(self.depth), qs.pointer, ldq, ss.pointer,
                                   self.packed, bsp.pointer, sp.pointer, cs.pointer, self.columns,
                                   accumulate ? 1 : 0, bf?.pointer, Int32(r.lowerBound), Int32(r.upperBound))
                        }
                    }
                }
            }
        }
    }
}
