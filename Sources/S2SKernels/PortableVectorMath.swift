// The portable Float kernels: 16-lane SIMD types, lowered to whatever
// vector width the build targets (SSE on the baseline x86-64 that s2s is
// built for). VectorFloat runs them where the CPU lacks AVX-512, and tests
// hold vector_math.c to them bit for bit.

extension VectorFloat {
    public enum Portable {
        public typealias V = SIMD16<Float>

        /// Written with masks and bit casts only: Swift's generic SIMD
        /// `clamped`, `rounded` and integer conversions run element by element
        /// (measured ~40 ns per value against ~1 ns for this form).
        @inlinable @inline(__always)
        static func exp(_ v: V) -> V {
            var x = v
            x.replace(with: V(repeating: -87.3), where: x .< V(repeating: -87.3))
            x.replace(with: V(repeating: 88.7), where: x .> V(repeating: 88.7))
            // Adding 1.5·2^23 rounds to an integer n, which then sits in the low
            // mantissa bits of t.
            let magic = V(repeating: 12_582_912.0)
            let t = x * 1.442_695_04 + magic
            let n = t - magic
            let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6
            var p = V(repeating: 1.0 / 720)
            p = p * r + 1.0 / 120
            p = p * r + 1.0 / 24
            p = p * r + 1.0 / 6
            p = p * r + 0.5
            p = p * r + 1
            p = p * r + 1
            let ni = unsafeBitCast(t, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
            return p * unsafeBitCast((ni &+ 127) &<< 23, to: V.self)
        }

        @inlinable
        public static func exp(_ x: UnsafeMutablePointer<Float>, count: Int) {
            var k = 0
            while k + 16 <= count {
                let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
                UnsafeMutableRawPointer(x + k).storeBytes(of: exp(v), as: V.self)
                k += 16
            }
            if k < count { tail(x + k, count: count - k) { exp($0) } }
        }

        @inlinable
        public static func sigmoid(_ x: UnsafeMutablePointer<Float>, count: Int) {
            var k = 0
            while k + 16 <= count {
                let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
                UnsafeMutableRawPointer(x + k).storeBytes(of: 1 / (1 + exp(-v)), as: V.self)
                k += 16
            }
            if k < count { tail(x + k, count: count - k) { 1 / (1 + exp(-$0)) } }
        }

        @inlinable
        public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
            var k = 0
            while k + 16 <= count {
                let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
                UnsafeMutableRawPointer(x + k).storeBytes(of: 1 - 2 / (1 + exp(v + v)), as: V.self)
                k += 16
            }
            if k < count { tail(x + k, count: count - k) { 1 - 2 / (1 + exp($0 + $0)) } }
        }

        @inlinable
        public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
            var acc = V()
            var k = 0
            while k + 16 <= count {
                acc += UnsafeRawPointer(a + k).loadUnaligned(as: V.self) * UnsafeRawPointer(b + k).loadUnaligned(as: V.self)
                k += 16
            }
            var s = acc.sum()
            while k < count { s += a[k] * b[k]; k += 1 }
            return s
        }

        /// max and argmax of x[0..<count] (count > 0); the first index wins ties.
        @inlinable
        public static func maxAndArgmax(_ x: UnsafePointer<Float>, count: Int) -> (Float, Int) {
            var k = 0
            var best = x[0]
            if count >= 16 {
                var m = UnsafeRawPointer(x).loadUnaligned(as: V.self)
                k = 16
                while k + 16 <= count {
                    let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
                    m.replace(with: v, where: v .> m)  // (generic pointwiseMax runs lane by lane)
                    k += 16
                }
                for lane in 0..<16 { best = Swift.max(best, m[lane]) }
            }
            while k < count { best = Swift.max(best, x[k]); k += 1 }
            // NaN never compares equal: a row of NaNs (a diverged model) gives
            // index 0 rather than a search past the end.
            var i = 0
            while i < count && x[i] != best { i += 1 }
            return (best, i < count ? i : 0)
        }

        /// Σ x[0..<count] (16 running Float sums, then added in Double).
        @inlinable
        public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
            var acc = V()
            var k = 0
            while k + 16 <= count {
                acc += UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
                k += 16
            }
            var s = 0.0
            for lane in 0..<16 { s += Double(acc[lane]) }
            while k < count { s += Double(x[k]); k += 1 }
            return s
        }

        /// Σ e^(x_k − shift) over x[0..<count], without storing the exponentials
        /// (log-softmax and the loss of a row when no gradient is wanted). With
        /// shift = max x every term is ≤ 1; 16 running Float sums, added in Double.
        @inlinable
        public static func sumExp(_ x: UnsafePointer<Float>, shift: Float, count: Int) -> Double {
            var acc = V()
            let s = V(repeating: shift)
            var k = 0
            while k + 16 <= count {
                acc += exp(UnsafeRawPointer(x + k).loadUnaligned(as: V.self) - s)
                k += 16
            }
            var total = 0.0
            for lane in 0..<16 { total += Double(acc[lane]) }
            if k < count {
                // The tail padded with −∞ − shift lanes, which exp sends to 0.
                var v = V(repeating: -.infinity)
                for lane in 0..<(count - k) { v[lane] = x[k + lane] - shift }
                let e = exp(v)
                for lane in 0..<(count - k) { total += Double(e[lane]) }
            }
            return total
        }

        /// Σ x² of one block (≤ `sumOfSquaresBlockSize` values), in Double.
        @inlinable
        public static func sumOfSquaresBlock(_ x: UnsafePointer<Float>, count: Int) -> Double {
            var acc = V()
            var k = 0
            while k + 16 <= count {
                let v = UnsafeRawPointer(x + k).loadUnaligned(as: V.self)
                acc += v * v
                k += 16
            }
            var total = 0.0
            for lane in 0..<16 { total += Double(acc[lane]) }
            while k < count { total += Double(x[k]) * Double(x[k]); k += 1 }
            return total
        }

        /// The last < 16 values through the same vector code, padded.
        @inlinable @inline(__always)
        static func tail(_ x: UnsafeMutablePointer<Float>, count: Int, _ f: (V) -> V) {
            var v = V()
            for k in 0..<count { v[k] = x[k] }
            let r = f(v)
            for k in 0..<count { x[k] = r[k] }
        }

        /// out (D) = Σ_j w_j rows_j over j < count (rows (count, D) row-major).
        @inlinable
        public static func weightedSum(_ out: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>,
                                       rows: UnsafePointer<Float>, count n: Int, dim D: Int) {
            out.update(repeating: 0, count: D)
            for j in 0..<n {
                let r = rows + j * D, wj = w[j]
                for p in 0..<D { out[p] += wj * r[p] }
            }
        }

        /// The k largest of x[0..<count] best first into `tokens`/`values` (room
        /// for k each), never an index in `skip`; returns how many (≤ k). One pass:
        /// until k are held every value enters; then a value is compared with the
        /// k-th best before anything else, and enters after the values ≥ it.
        @inlinable
        public static func topK(_ x: UnsafePointer<Float>, count: Int, k: Int, skip: [Int32],
                                tokens: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Float>) -> Int {
            var held = 0
            for v in 0..<count {
                let lp = x[v]
                if held == k && !(lp > values[k - 1]) { continue }
                if skip.contains(Int32(v)) { continue }
                var i = held
                while i > 0 && values[i - 1] < lp { i -= 1 }
                var j = Swift.min(held, k - 1)
                while j > i { tokens[j] = tokens[j - 1]; values[j] = values[j - 1]; j -= 1 }
                tokens[i] = Int32(v); values[i] = lp
                if held < k { held += 1 }
            }
            return held
        }
    }
}
