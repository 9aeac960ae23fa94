import S2SKernels

/// How a model's decoding products run, as the user chose it (s2s-translate
/// --precision, the library's `Precision`); `Seq2Seq.packForDecoding`
/// resolves it once, on this CPU, into the model's decoding plan (a path per
/// product, and the whole-sequence products' precision).
public enum DecodingPrecision: Sendable, Hashable, CustomStringConvertible {
    /// Packed float32 (OpenBLAS without AVX-512): the reference.
    case float32
    /// Packed bfloat16 weights and operands, float sums (AVX512_BF16; on
    /// AMX tiles where the CPU has them).
    case bfloat16
    /// Every product with an int8 path quantised to int8 (AVX512-VNNI; on
    /// AMX tiles where the CPU has them): the decoder's, and the encoder's
    /// U and input projections; the other whole-sequence products in
    /// `rest` (nil: bfloat16 where the CPU has it).
    case int8(rest: PackedMatrix.Precision? = nil)
    /// Each product the fastest of the paths this CPU runs, timed at load
    /// (`DecodingMatrix.Path.available`, cached per CPU).
    case auto

    /// What the CPU needs for this precision.
    public var needs: CPUFeatures {
        switch self {
        case .float32, .auto: []
        case .bfloat16: .bfloat16
        case .int8(let rest): rest == .bfloat16 ? [.vnni, .bfloat16] : .vnni
        }
    }

    /// float32, bfloat16, int8 or auto (--precision's names).
    public var description: String {
        switch self {
        case .float32: "float32"
        case .bfloat16: "bfloat16"
        case .int8: "int8"
        case .auto: "auto"
        }
    }

    /// Whether this CPU decodes in this precision.
    public var isAvailable: Bool { CPUFeatures.current.isSuperset(of: needs) }
}
