import S2SKernels

/// An encoder layer's U packed for the per-step products h_{t−1}·U when a
/// model translates (`packForDecoding`): a few sentences at a time, so each
/// step is a handful of rows against all of U, which OpenBLAS would repack on
/// every call. (Training keeps OpenBLAS: packing U and Uᵀ once per pass did
/// not measurably speed up the reference training step — 1,210–1,280 ms
/// against 1,150–1,325 ms with OpenBLAS, in runs minutes apart on a noisy
/// 2-core machine — and would have to be repacked after every update.)
final class RecurrentPack: @unchecked Sendable {
    let u: PackedMatrix   // (Hd, G·Hd)

    init(U: UnsafePointer<Float>, hidden: Int, gates: Int, precision: PackedMatrix.Precision) {
        u = PackedMatrix(stacking: [(U, hidden)], columns: gates, precision: precision)
    }
}

extension Seq2Seq {
    /// One pack per encoder layer and direction, by parameter prefix
    /// (e.g. `encoder.l0.fwd`); empty for Double models or CPUs without the
    /// packed kernel.
    static func makeRecurrentPacks(config c: ModelConfig, layout: ParameterLayout,
                                   parameters: UnsafeMutablePointer<T>,
                                   precision: PackedMatrix.Precision) -> [String: RecurrentPack] {
        guard T.self == Float.self, PackedMatrix.isAvailable else { return [:] }
        let p = UnsafeRawPointer(parameters).assumingMemoryBound(to: Float.self)
        var packs: [String: RecurrentPack] = [:]
        for k in 0..<c.layers {
            for d in c.bidirectional ? ["fwd", "bwd"] : ["fwd"] {
                let prefix = "encoder.l\(k).\(d)", Hd = c.encoderDirectionSize
                packs[prefix] = RecurrentPack(U: p + layout.offset("\(prefix).U"), hidden: Hd, gates: c.gateCount * Hd,
                                               precision: precision)
            }
        }
        return packs
    }
}
