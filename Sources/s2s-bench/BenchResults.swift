import S2SCore

/// The JSON lines s2s-bench prints (StableJSON, one line each): the
/// properties spelled so that snake_case gives the keys tools/bench/ reads.

/// `s2s-bench allreduce`: one sum of a model's gradients across the ranks.
struct AllreduceResult: Encodable {
    var processes: Int
    var floats: Int
    var msMedian: Double
    var msMin: Double
    /// NCCL's bus bandwidth: 2 (n − 1) / n × bytes / seconds.
    var busBandwidthGbS: Double
}

/// `s2s-bench gemm`: one product shape, GFLOP/s on each path.
struct GemmResult: Encodable {
    var m: Int, n: Int, k: Int
    var threads: Int
    var blasCore: String
    /// "openblas_gflops", "packed_float32_gflops", "packed_float32_pack_ms",
    /// "bfloat16_general_nt_gflops", ...: the paths this CPU has.
    var paths: [String: Double] = [:]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// One flat object: the shape beside its paths' figures.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for (key, value) in [("m", m), ("n", n), ("k", k), ("threads", threads)] {
            try c.encode(value, forKey: Key(stringValue: key))
        }
        try c.encode(blasCore, forKey: Key(stringValue: "blasCore"))
        for (key, value) in paths { try c.encode(value, forKey: Key(stringValue: key)) }
    }
}

/// `s2s-bench train-step`: the training step timed, against its products alone.
struct TrainStepResult: Encodable {
    /// One distinct product shape of the step: its calls and time.
    struct GemmTime: Encodable {
        var m: Int, n: Int, k: Int
        var transA: Bool, transB: Bool
        var packed: Bool
        var calls: Int
        var ms: Double
        var gflops: Double
    }

    var framework = "s2s"
    var threads: Int
    var blasCore: String
    var precision: String
    var msPerStep: Double
    var tokensPerS: Double
    var gflops: Double
    var flopsPerStep: Double
    var sgemmCeilingGflops: Double
    var fractionOfCeiling: Double
    var gemmFloorMs: Double
    var stepOverFloor: Double
    /// Wall-clock inside the step's products (median over the timed
    /// steps): against the floor, how much slower they run in the step;
    /// against the step, how much of it is elementwise work and hand-offs.
    var inProductsMs: Double
    /// Wall-clock the pool's workers waited for work (summed over
    /// workers): the step's serial parts, where one core works alone.
    var workersWaitingMs: Double
    /// Wall-clock the calling thread waited for the workers' last parts.
    var callerWaitingMs: Double
    var gemmCallsPerStep: Int
    var gemmShapes: Int
    var gemmBreakdown: [GemmTime]
    var packedStepWeights: Bool
    var peakRssMb: Double
    var stepMs: [Double]
    var losses: [Double]
    /// zero, forward, backward, clip, adam: each phase's median.
    var phaseMs: [String: Double]
    /// batch, src_len, tgt_len, vocab, emb, hidden, layers.
    var shape: [String: Int]
}
