import ArgumentParser
import Foundation
import S2SCore
import S2SKernels
import S2SOptions

/// One product C (m, n) += A (m, k) · B (k, n) timed at one shape: OpenBLAS
/// sgemm, and the packed float32 and bfloat16 kernels (AVX512_BF16, and AMX
/// tiles where the CPU has them) with B packed once (the packing timed
/// apart); training's general bfloat16 products on each kernel. The training step's per-step products
/// (m = batch, e.g. 64 × 512 × 2048) are where the packed kernel can beat a
/// general GEMM that repacks B on every call. Prints one JSON line.
struct GemmShape: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "Time one product shape in OpenBLAS and in the packed kernels.")

    @Option(help: "Rows of A and C.") var m = 64
    @Option(help: "Columns of B and C.") var n = 2048
    @Option(help: "Depth (columns of A, rows of B).") var k = 512
    @Option(help: "Timed repetitions (the best is reported).") var repeats = 50
    @OptionGroup var threadsOption: ThreadsOption
    var threads: Int { threadsOption.threads ?? KernelSettings.standard.threads }

    func run() throws {
        try KernelSettings(threads: threads).run { try measure() }
    }

    /// The timing, with the benchmark's threads bound.
    private func measure() throws {
        let a = (0..<(m * k)).map { Float(($0 % 17) - 8) * 0.01 }
        let b = (0..<(k * n)).map { Float(($0 % 13) - 6) * 0.01 }
        var c = [Float](repeating: 0, count: m * n)
        let flops = 2 * Double(m) * Double(n) * Double(k)

        func best(_ body: () -> Void) -> Double {
            body()
            var t = Double.infinity
            for _ in 0..<repeats {
                var clock = Stopwatch()
                body()
                t = min(t, clock.lap())
            }
            return t
        }
        var result = GemmResult(m: m, n: n, k: k, threads: threads, blasCore: BLASRuntime.coreName)
        let blas = best { Matmul.gemm(&c, a, b, m: m, n: n, k: k, beta: 1) }
        result.paths["openblas_gflops"] = flops / blas / 1e9
        if CPUFeatures.current.contains(.avx512) {
            let kernels: [(name: String, precision: PackedMatrix.Precision, tiles: Bool)] =
                [("float32", .float32, false)]
                + (CPUFeatures.current.contains(.bfloat16) ? [("bfloat16", .bfloat16, false)] : [])
                + (CPUFeatures.current.contains(.amx) ? [("amx", .bfloat16, true)] : [])
            for (name, precision, tiles) in kernels {
                var packed: PackedMatrix?
                let pack = best {
                    packed = b.withUnsafeBufferPointer {
                        PackedMatrix(stacking: [($0.baseAddress!, k)], columns: n, precision: precision, tiles: tiles)
                    }
                }
                let p = packed!
                let run = best {
                    a.withUnsafeBufferPointer { pa in
                        c.withUnsafeMutableBufferPointer { pc in
                            p.multiply(into: pc.baseAddress!, pa.baseAddress!, rows: m, accumulate: true,
                                       threads: threads)
                        }
                    }
                }
                result.paths["packed_\(name)_gflops"] = flops / run / 1e9
                result.paths["packed_\(name)_pack_ms"] = pack * 1000
            }
        }
        if CPUFeatures.current.contains(.bfloat16) {
            // Training's bfloat16 products: both operands rounded on every
            // call (the packing is part of the time), each transpose, on each kernel.
            let tileChoices = CPUFeatures.current.contains(.amx) ? [false, true] : [false]
            for tiles in tileChoices {
                for (transA, transB) in [(false, false), (false, true), (true, false)] {
                    let run = best {
                        BFloat16Gemm.gemm(&c, a, b, m: m, n: n, k: k, transA: transA, transB: transB, accumulate: true,
                                          lda: transA ? m : k, ldb: transB ? k : n, ldc: n, threads: threads, tiles: tiles)
                    }
                    let name = "\(tiles ? "amx" : "bfloat16")_general_\(transA ? "t" : "n")\(transB ? "t" : "n")_gflops"
                    result.paths[name] = flops / run / 1e9
                }
            }
        }
        print(String(decoding: try StableJSON.encode(result, pretty: false), as: UTF8.self))
    }
}
