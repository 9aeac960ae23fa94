import CKernels

/// What this CPU runs, as CKernels' cpu_features.c probed it once (the one
/// place that reads the CPU's flags): every kernel choice asks here, at run
/// time, so one build runs on any x86-64 CPU with the fastest kernels it has.
public struct CPUFeatures: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// AVX512F: the packed float32 products (`PackedMatrix`) and the vector math.
    public static let avx512 = CPUFeatures(rawValue: UInt32(S2S_CPU_AVX512F))
    /// AVX512BW (with AVX512F): int8 quantising.
    public static let avx512bw = CPUFeatures(rawValue: UInt32(S2S_CPU_AVX512BW))
    /// AVX512-VNNI (with AVX512F and BW): int8 products (`Int8Matrix`).
    public static let vnni = CPUFeatures(rawValue: UInt32(S2S_CPU_VNNI))
    /// AVX512_BF16 (with AVX512F): bfloat16 products (`BFloat16Gemm`, bfloat16 packs).
    public static let bfloat16 = CPUFeatures(rawValue: UInt32(S2S_CPU_BF16))
    /// AMX tiles (AMX-TILE, -BF16, -INT8 with all the above), granted by
    /// Linux, and not turned off by S2S_NO_AMX.
    public static let amx = CPUFeatures(rawValue: UInt32(S2S_CPU_AMX))

    /// This CPU's.
    public static let current = CPUFeatures(rawValue: UInt32(s2s_cpu_features()))

    /// The flags by the names CPU makers give them, e.g. "AVX512F AVX512BW
    /// AVX512-VNNI" ("none" without AVX-512).
    public var description: String {
        let names: [(CPUFeatures, String)] = [(.avx512, "AVX512F"), (.avx512bw, "AVX512BW"), (.vnni, "AVX512-VNNI"),
                                              (.bfloat16, "AVX512_BF16"), (.amx, "AMX")]
        let present = names.filter { contains($0.0) }.map(\.1)
        return present.isEmpty ? "none" : present.joined(separator: " ")
    }
}
