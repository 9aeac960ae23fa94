import Foundation
import S2SKernels

/// Decoder layer 0's gate pre-activations from its embedding input, per
/// target token: row y = emb(y)·W_x + b, with W_x the first E rows of the
/// layer's W (E, G·H). In search, x_t = emb(y_{t−1}) takes only V values,
/// so a step gathers the rows of its tokens instead of multiplying E of
/// layer 0's E + 2H input values per hypothesis again (a third of the
/// layer's product with input feeding); the rest of the input ([h̃; h])
/// still goes through the packed product.
///
/// Rows are computed on first use, in blocks of `block` tokens (one product
/// of `block` rows on layer 0's path), so what a run touches is what it
/// pays for in time and memory (an anonymous mapping: untouched blocks are
/// not resident), and a row's value does not depend on which tokens a
/// search asked for first or on which thread did. Searches that run side by
/// side share the table; filling takes a lock.
///
/// Stored in float32 for the float32 and OpenBLAS paths; in bfloat16 for
/// the bfloat16 and int8 paths, whose products already round their inputs
/// at least that coarsely (bfloat16 keeps 8 significant bits: a row value
/// is off by at most 2⁻⁹ of itself, against the product's 2⁻⁸·Σ|x·w|).
final class EmbeddingGates: @unchecked Sendable {
    /// Tokens per filled block.
    static let block = 16
    /// Largest table, in bytes, worth keeping (larger vocabularies × gates
    /// run layer 0's product whole, as before).
    static let maximumBytes = 64 << 20

    let width: Int
    let vocabulary: Int
    let inBFloat16: Bool
    private let product: DecodingMatrix  // W_x, (E, G·H)
    private let embedding: UnsafePointer<Float>  // (V, E)
    private let bias: UnsafePointer<Float>  // (G·H)
    private let embeddingSize: Int
    private let storageCount: Int
    private let table32: UnsafeMutablePointer<Float>?
    private let table16: UnsafeMutablePointer<UInt16>?
    private var filled: [Bool]
    private let lock = NSLock()

    /// nil when the table would exceed `maximumBytes`.
    init?(embedding: UnsafePointer<Float>, vocabulary V: Int, embeddingSize E: Int, wx: UnsafePointer<Float>,
          bias: UnsafePointer<Float>, width g: Int, path: DecodingMatrix.Path) {
        let half = path.rounds
        guard V * g * (half ? 2 : 4) <= Self.maximumBytes else { return nil }
        width = g; vocabulary = V; embeddingSize = E; inBFloat16 = half
        self.embedding = embedding; self.bias = bias
        product = DecodingMatrix(stacking: [PackedMatrix.Part(wx, rows: E)], columns: g, path: path)
        let blocks = (V + Self.block - 1) / Self.block
        storageCount = blocks * Self.block * g
        table32 = half ? nil : ZeroedMemory.allocate(Float.self, count: storageCount)
        table16 = half ? ZeroedMemory.allocate(UInt16.self, count: storageCount) : nil
        filled = [Bool](repeating: false, count: blocks)
    }

    deinit {
        if let table32 { ZeroedMemory.deallocate(table32, count: storageCount) }
        if let table16 { ZeroedMemory.deallocate(table16, count: storageCount) }
    }

    /// out[r] (row stride `width`) = emb(tokens[r])·W_x + b for r < count.
    func gather(_ tokens: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Float>) {
        fill(tokens, count: count)
        let g = width
        for r in 0..<count {
            let y = Int(tokens[r]), dst = out + r * g
            if let table32 {
                dst.update(from: table32 + y * g, count: g)
            } else if let table16 {
                let src = table16 + y * g
                for j in 0..<g { dst[j] = Float(bitPattern: UInt32(src[j]) << 16) }
            }
        }
    }

    /// Computes the blocks of `tokens` not yet filled.
    private func fill(_ tokens: UnsafePointer<Int32>, count: Int) {
        lock.lock()
        defer { lock.unlock() }
        var missing: [Int] = []
        for r in 0..<count {
            let b = Int(tokens[r]) / Self.block
            if !filled[b] && !missing.contains(b) { missing.append(b) }
        }
        if missing.isEmpty { return }
        let n = Self.block, E = embeddingSize, g = width
        var x = [Float](repeating: 0, count: n * E), z = [Float](repeating: 0, count: n * g)
        for b in missing {
            let first = b * n, rows = min(n, vocabulary - first)
            x.withUnsafeMutableBufferPointer { xs in
                xs.baseAddress!.update(from: embedding + first * E, count: rows * E)
            }
            z.withUnsafeMutableBufferPointer { zs in
                for r in 0..<rows { (zs.baseAddress! + r * g).update(from: bias, count: g) }
                product.multiply(into: zs.baseAddress!, x, rows: rows, accumulate: true)
                if let table32 {
                    (table32 + first * g).update(from: zs.baseAddress!, count: rows * g)
                } else if let table16 {
                    for i in 0..<(rows * g) { table16[first * g + i] = PackedMatrix.bfloat16Bits(zs[i]) }
                }
            }
            filled[b] = true
        }
    }
}
