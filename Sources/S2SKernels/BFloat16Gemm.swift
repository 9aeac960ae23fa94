import CKernels
import Foundation

/// C (m, n) = (accumulate ? C : 0) + op(A)·op(B) with both operands rounded
/// to bfloat16 on this call and the products summed in float: training's
/// products when it runs in bfloat16 (`Matmul.precision`). B is packed into
/// panels of 32 columns (from B or, transposed, from Bᵀ as stored). On AMX
/// tiles where the CPU has them (gemm_amx.c: op(A) as bfloat16 rows,
/// Aᵀ transposed into rows first), else AVX512_BF16's `vdpbf16ps`
/// (gemm_bf16_general.c: op(A) = A rounded row by row, op(A) = Aᵀ packed
/// into panels like B). The panels are split over the threads, so each
/// value of C is one dot product over all of k in one order: the same bits
/// for every thread count (on one kernel).
///
/// Error: each operand keeps 8 significant bits (7 stored), a relative
/// rounding error of at most u = 2⁻⁸, so |a'b' − ab| ≤ (2u + u²)|ab|; the
/// product of two bfloat16 values is exact in float, and the float sums add
/// at most (k + 1)·2⁻²⁴ of Σ|terms|:
/// |C' − C| ≤ (2⁻⁷ + 2⁻¹⁶ + (k + 1)·2⁻²⁴)·Σ_l |a_l b_l| (+ the sums' error on C's old value).
public enum BFloat16Gemm {
    /// Rows of A (C) per block: a block's rounded rows (≤ 256 × k bfloat16)
    /// stay in the core's L2 while every panel of B passes over them.
    static let rowBlock = 256

    public static func gemm(_ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                            m: Int, n: Int, k: Int, transA: Bool, transB: Bool, accumulate: Bool,
                            lda: Int, ldb: Int, ldc: Int, threads: Int = KernelThreads.current, tiles: Bool? = nil) {
        precondition(CPUFeatures.current.contains(.bfloat16), "BFloat16Gemm needs AVX512_BF16; check CPUFeatures.current.contains(.bfloat16)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) } }
            return
        }
        let depth = (k + 1) / 2 * 2, P = 32
        let bPanels = (n + P - 1) / P, aPanels = (m + P - 1) / P
        // On AMX tiles where the CPU has them (a test or a benchmark may ask
        // for the vector kernel to compare the two).
        let tiles = tiles ?? CPUFeatures.current.contains(.amx)
        precondition(!tiles || CPUFeatures.current.contains(.amx), "AMX tiles are not available")
        // op(A) as panels (the vector kernel's Aᵀ) or as rows of the padded depth.
        let aInPanels = transA && !tiles
        let bCount = bPanels * depth * P, aCount = aInPanels ? aPanels * depth * P : m * depth
        let buffer = scratch.take(bCount + aCount)
        defer { scratch.give(buffer) }
        let bp = UnsafeSendable(buffer.pointer), ap = UnsafeSendable(buffer.pointer + bCount)
        let cs = UnsafeSendable(c)
        let parts = max(threads, 1)
        Parallel.ranges(bPanels, parts: parts) { r in
            if transB {
                s2s_bf16_pack_transposed(b, ldb, Int32(k), Int32(n), bp.pointer, Int32(r.lowerBound), Int32(r.upperBound))
            } else {
                s2s_bf16_pack_rows(b, ldb, Int32(k), Int32(n), bp.pointer, Int32(r.lowerBound), Int32(r.upperBound))
            }
        }
        if aInPanels {
            // A is stored (k, m): its columns are op(A)'s rows.
            Parallel.ranges(aPanels, parts: parts) { r in
                s2s_bf16_pack_rows(a, lda, Int32(k), Int32(m), ap.pointer, Int32(r.lowerBound), Int32(r.upperBound))
            }
        } else if transA {
            Parallel.ranges(m, parts: parts, minimum: 64) { r in
                s2s_bf16_transpose_rows(a, lda, Int32(k), ap.pointer, depth, Int32(r.lowerBound), Int32(r.upperBound))
            }
        } else {
            Parallel.ranges(m, parts: parts, minimum: 64) { r in
                s2s_to_bf16(Int32(r.count), Int32(k), a + r.lowerBound * lda, lda, ap.pointer + r.lowerBound * depth, depth)
            }
        }
        Parallel.ranges(bPanels, parts: parts) { r in
            for r0 in stride(from: 0, to: m, by: rowBlock) {
                let rows = min(rowBlock, m - r0)
                if tiles {
                    s2s_gemm_amx_bf16(Int32(rows), Int32(n), Int32(k), ap.pointer + r0 * depth, depth, bp.pointer,
                                      cs.pointer + r0 * ldc, ldc, accumulate ? 1 : 0, nil,
                                      Int32(r.lowerBound), Int32(r.upperBound))
                } else if transA {
                    s2s_gemm_bf16_apanels(Int32(rows), Int32(n), Int32(k), ap.pointer + r0 / P * depth * P, bp.pointer,
                                          cs.pointer + r0 * ldc, ldc, accumulate ? 1 : 0,
                                          Int32(r.lowerBound), Int32(r.upperBound))
                } else {
                    s2s_gemm_packed_bf16(Int32(rows), Int32(n), Int32(k), ap.pointer + r0 * depth, depth, bp.pointer,
                                         cs.pointer + r0 * ldc, ldc, accumulate ? 1 : 0, nil,
                                         Int32(r.lowerBound), Int32(r.upperBound))
                }
            }
        }
    }

    /// Buffers for the rounded operands, kept between calls (a training
    /// step makes the same products again and again).
    static let scratch = BufferPool()

    final class BufferPool: @unchecked Sendable {
        struct Buffer { let pointer: UnsafeMutablePointer<UInt16>; let count: Int }
        private var free: [Buffer] = []
        private let lock = NSLock()

        func take(_ count: Int) -> Buffer {
            lock.lock()
            defer { lock.unlock() }
            if let i = free.firstIndex(where: { $0.count >= count }) { return free.remove(at: i) }
            if !free.isEmpty { free.removeFirst().pointer.deallocate() }  // too small: make room
            return Buffer(pointer: .allocate(capacity: max(count, 1)), count: max(count, 1))
        }

        func give(_ buffer: Buffer) {
            lock.lock()
            free.append(buffer)
            lock.unlock()
        }
    }
}
