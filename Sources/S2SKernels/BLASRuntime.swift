import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS picks its kernels from the CPU's identity at load time. On
/// virtual machines whose CPU reports a generic model, Debian's OpenBLAS
/// 0.3.21 falls back to its "Prescott" (SSE3) kernels: sgemm then runs ~4.5x
/// below what the AVX-512 kernels reach on the same machine (measured with
/// tools/bench/train-step.sh). The choice can only be overridden through
/// OPENBLAS_CORETYPE before the library loads, so a command that finds the
/// fallback on a CPU with AVX2/AVX-512 sets it and re-executes itself once.
public enum BLASRuntime {
    /// OpenBLAS's kernel family, e.g. "SkylakeX", "Haswell", "Prescott".
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The kernel family to force, if OpenBLAS fell back to a generic one on
    /// a CPU that can do better, or chose AVX2 kernels on a CPU with AVX-512
    /// (Debian's OpenBLAS 0.3.21 maps AMD's Zen 5 to Haswell: sgemm at 131
    /// GFLOP/s on one core where the Cooperlake kernels reach 250); nil
    /// otherwise.
    public static func betterCoreType(flags: Set<String>, current: String) -> String? {
        let generic = ["prescott", "core2", "atom", "nehalem", "katmai", "coppermine", "northwood", "banias"]
        let avx2 = ["haswell", "zen", "sandybridge"]
        let name = current.lowercased()
        let avx512 = flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl")
        if avx512 && (generic.contains(name) || avx2.contains(name)) {
            return flags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX"
        }
        if generic.contains(name) && flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// CPU feature flags from /proc/cpuinfo (empty when unreadable).
    public static func cpuFlags() -> Set<String> {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        while getline(&line, &capacity, file) > 0 {
            let text = String(cString: line!)
            if text.hasPrefix("flags") {
                free(line)
                return Set(text.split(separator: ":").last?.split(separator: " ").map(String.init) ?? [])
            }
        }
        free(line)
        return []
    }

    /// Call first thing in a command's main: re-executes the process with
    /// OPENBLAS_CORETYPE set when OpenBLAS chose a generic kernel on a modern
    /// CPU. Does nothing if the user set OPENBLAS_CORETYPE, or if S2S_NO_REEXEC is set.
    public static func ensureOptimizedKernels() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("S2S_NO_REEXEC") == nil,
              let core = betterCoreType(flags: cpuFlags(), current: coreName) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv("S2S_NO_REEXEC", "1", 1)  // never loop
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returned: it failed; carry on with the generic kernels.
    }
}
