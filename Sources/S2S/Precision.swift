internal import S2SKernels
internal import S2SModel
internal import S2STraining

/// The precision of the matrix products: a translator's (the model's
/// weights times each step's states) and a training run's.
///
/// `float32` gives the same translations on every CPU. The others trade a
/// little accuracy for speed where the CPU has the instructions for them;
/// ``isAvailable`` says whether this one does.
public enum Precision: String, CaseIterable, Sendable {
    /// 32-bit floats, OpenBLAS or packed: the reference.
    case float32
    /// bfloat16 weights and operands, float sums (needs AVX512_BF16; on AMX
    /// tiles where the CPU has them, unless `S2S_NO_AMX=1`).
    case bfloat16
    /// The decoder's and the encoder's weights quantised to int8 per column
    /// (needs AVX512-VNNI).
    case int8
    /// Each product the fastest way this CPU runs it, timed when the model
    /// is loaded (and cached).
    case auto

    /// Whether this CPU can decode in this precision.
    public var isAvailable: Bool { decoding.isAvailable }

    /// Whether training can run its products in this precision (int8
    /// decodes only).
    public var trains: Bool { self != .int8 }

    /// The training products' precision this one stands for on this CPU
    /// (auto: bfloat16 where the CPU has it); nil for int8.
    var training: TrainingOptions.Precision? {
        switch self {
        case .float32: .float32
        case .bfloat16: .bfloat16
        case .auto: CPUFeatures.current.contains(.bfloat16) ? .bfloat16 : .float32
        case .int8: nil
        }
    }

    /// As `Seq2Seq.packForDecoding` takes it.
    var decoding: DecodingPrecision {
        switch self {
        case .float32: .float32
        case .bfloat16: .bfloat16
        case .int8: .int8()
        case .auto: .auto
        }
    }
}
