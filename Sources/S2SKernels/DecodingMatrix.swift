import S2SCore

/// A product against weights that stay fixed while translating, C (rows,
/// columns) (+)= A (rows, depth)·B, with B stacked from parts along the
/// depth ([W; U]), run the way `path` says: OpenBLAS on the weights as they
/// are stored, or the packed kernel on a copy packed once in float32 or
/// bfloat16. Which is fastest depends on the CPU and the shape (on an AMD
/// EPYC with AVX512_BF16 the packed bfloat16 kernel, on an Intel Xeon with
/// AMX the same panels on tiles), so `timings` measures them.
public final class DecodingMatrix: MatrixProduct, @unchecked Sendable {
    public enum Path: String, Sendable, CaseIterable {
        /// bfloat16: AVX512_BF16's vector kernel; amx: the same bfloat16
        /// panels on AMX tiles. int8: weights quantised per column, rows per
        /// call (`Int8Matrix`; AVX512-VNNI); amx-int8: the same on AMX tiles
        /// (the same bits).
        case openblas, float32, bfloat16, amx, int8
        case amxInt8 = "amx-int8"
        /// The paths this CPU runs that timing chooses among, in the order
        /// ties are broken (the more precise first).
        public static var available: [Path] {
            [.float32, .bfloat16, .amx, .int8, .amxInt8, .openblas].filter { CPUFeatures.current.isSuperset(of: $0.needs) }
        }

        /// What the CPU needs for this path.
        public var needs: CPUFeatures {
            switch self {
            case .openblas: []
            case .float32: .avx512
            case .bfloat16: [.avx512, .bfloat16]
            case .amx: [.avx512, .amx]
            case .int8: [.avx512, .vnni]
            case .amxInt8: [.avx512, .vnni, .amx]
            }
        }

        /// Whether the weights are int8 (`Int8Matrix`).
        public var isInt8: Bool { self == .int8 || self == .amxInt8 }
        /// Whether the products round their inputs (bfloat16 or int8)
        /// rather than multiply them in float32.
        public var rounds: Bool { !(self == .float32 || self == .openblas) }
    }

    public let path: Path
    public let depth: Int
    public let columns: Int
    /// The weights as stored (read by the OpenBLAS path; they must outlive this).
    let parts: [PackedMatrix.Part]
    /// The packed copy (nil: OpenBLAS or int8).
    public let packed: PackedMatrix?
    let int8: Int8Matrix?

    public init(stacking parts: [PackedMatrix.Part], columns: Int, path: Path) {
        self.path = path
        self.parts = parts
        self.columns = columns
        depth = parts.reduce(0) { $0 + $1.rows }
        switch path {
        case .openblas:
            packed = nil; int8 = nil
        case .int8, .amxInt8:
            packed = nil
            // A transposed part as a plain copy (the int8 packer reads rows).
            var copies: [UnsafeMutablePointer<Float>] = []
            defer { for p in copies { p.deallocate() } }
            let plain: [(matrix: UnsafePointer<Float>, rows: Int)] = parts.map { part in
                guard let stride = part.transposedStride else { return (part.matrix, part.rows) }
                let t = UnsafeMutablePointer<Float>.allocate(capacity: part.rows * columns)
                for j in 0..<columns { for r in 0..<part.rows { t[r * columns + j] = part.matrix[j * stride + r] } }
                copies.append(t)
                return (UnsafePointer(t), part.rows)
            }
            int8 = Int8Matrix(stacking: plain, columns: columns, tiles: path == .amxInt8)
        case .float32, .bfloat16, .amx:
            int8 = nil
            let p = PackedMatrix(depth: depth, columns: columns, precision: path == .float32 ? .float32 : .bfloat16,
                                 tiles: path == .amx)
            // bfloat16 packs a transposed part only alone (training's one-matrix packs).
            p.pack(parts, threads: 1)
            packed = p
        }
    }

    /// c (rows, columns) = (accumulate ? c : bias ?? 0) + a·B, a (rows,
    /// depth), bias a row vector of `columns`.
    public func multiply<T: Real>(into c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, rows: Int, accumulate: Bool,
                                  bias: UnsafePointer<T>?) {
        if let packed {
            packed.multiply(into: c, a, rows: rows, accumulate: accumulate, bias: bias)
            return
        }
        if let int8 {
            int8.multiply(into: c, a, rows: rows, accumulate: accumulate, bias: bias)
            return
        }
        precondition(T.self == Float.self, "decoding weights are Float")
        let cf = UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self)
        let af = UnsafeRawPointer(a).assumingMemoryBound(to: Float.self)
        // OpenBLAS has no bias: the rows start as copies of it.
        let biased = !accumulate && bias != nil
        if biased, let bias { broadcastRows(c, bias, rows: rows, width: columns) }
        var offset = 0
        for (k, part) in parts.enumerated() {
            let beta: Float = k == 0 && !accumulate && !biased ? 0 : 1
            if let stride = part.transposedStride {
                Matmul.gemm(cf, af + offset, part.matrix, m: rows, n: columns, k: part.rows, transB: true, beta: beta,
                            lda: depth, ldb: stride, precision: .float32)
            } else {
                Matmul.gemm(cf, af + offset, part.matrix, m: rows, n: columns, k: part.rows, beta: beta,
                            lda: depth, ldb: columns, precision: .float32)
            }
            offset += part.rows
        }
    }

    /// The path of the least time; on a tie, the earlier in `timings`.
    public static func fastest(_ timings: [(path: Path, seconds: Double)]) -> Path {
        var best = timings[0]
        for t in timings.dropFirst() where t.seconds < best.seconds { best = t }
        return best.path
    }

    /// Times each of `paths` on this product at `rows` rows (the packing
    /// untimed: it happens once) for about `seconds` each, best of the runs,
    /// and returns the timings in that order.
    public static func timings(stacking parts: [PackedMatrix.Part], columns: Int, rows: Int,
                               seconds: Double = 0.002, among paths: [Path] = Path.available)
        -> [(path: Path, seconds: Double)] {
        let depth = parts.reduce(0) { $0 + $1.rows }
        var rng = SplitMix64(seed: 1)
        let a = (0..<(rows * depth)).map { _ in Float(rng.nextDouble() - 0.5) }
        var c = [Float](repeating: 0, count: rows * columns)
        return paths.map { path in
            let m = DecodingMatrix(stacking: parts, columns: columns, path: path)
            let best = a.withUnsafeBufferPointer { a in
                c.withUnsafeMutableBufferPointer { c in
                    bestSeconds(over: seconds) { m.multiply(into: c.baseAddress!, a.baseAddress!, rows: rows, accumulate: false) }
                }
            }
            return (path, best)
        }
    }

    /// The fastest of at least three runs of `body` (after one to warm up)
    /// and of as many more as fit in about `seconds`.
    static func bestSeconds(over seconds: Double, _ body: () -> Void) -> Double {
        body()
        var best = Double.infinity, spent = 0.0, runs = 0
        while runs < 3 || spent < seconds {
            var clock = Stopwatch()
            body()
            let t = clock.lap()
            best = min(best, t); spent += t; runs += 1
        }
        return best
    }
}

extension DecodingMatrix {
    /// Seconds of a whole-sequence product (rows, k)·(k, n) in float32
    /// (OpenBLAS) and, where the CPU has it, in bfloat16 (`BFloat16Gemm`),
    /// each the best of runs over about `seconds`: which precision the
    /// encoder's input projections take when translating.
    public static func wholeSequenceTimings(rows: Int, k: Int, n: Int, seconds: Double = 0.002)
        -> [(precision: PackedMatrix.Precision, seconds: Double)] {
        var rng = SplitMix64(seed: 2)
        let a = (0..<(rows * k)).map { _ in Float(rng.nextDouble() - 0.5) }
        let b = (0..<(k * n)).map { _ in Float(rng.nextDouble() - 0.5) }
        var c = [Float](repeating: 0, count: rows * n)
        return PackedMatrix.Precision.allCases.filter { $0 == .float32 || CPUFeatures.current.contains(.bfloat16) }.map { precision in
            (precision, bestSeconds(over: seconds) { Matmul.gemm(&c, a, b, m: rows, n: n, k: k, precision: precision) })
        }
    }
}

/// A weight product that a decoder step runs per step: a packed matrix, or
/// a `DecodingMatrix` on whichever path was chosen.
public protocol MatrixProduct {
    /// c (rows, columns) = (accumulate ? c : bias ?? 0) + a·B, a (rows,
    /// depth), bias (nil: none) a row vector added to every row.
    func multiply<T: Real>(into c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, rows: Int, accumulate: Bool,
                           bias: UnsafePointer<T>?)
}

extension MatrixProduct {
    /// c = (accumulate ? c : 0) + a·B.
    @inlinable
    public func multiply<T: Real>(into c: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, rows: Int, accumulate: Bool) {
        multiply(into: c, a, rows: rows, accumulate: accumulate, bias: nil)
    }
}

extension PackedMatrix: MatrixProduct {}
