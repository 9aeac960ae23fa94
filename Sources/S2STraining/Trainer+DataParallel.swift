import S2SCore
import S2SDistributed

/// What keeps the ranks of a data-parallel run in step: they start from rank
/// 0's state, stop at the same update, and hold the same parameters. With
/// one process every call here is the identity.
extension Trainer {
    /// Rank 0's parameters, Adam's moments and run state on every rank: at
    /// the start, fresh or resumed (rank 0 alone reads the checkpoint).
    func synchronizeStart() throws {
        guard communicator.size > 1 else { return }
        let bytes = model.layout.count * MemoryLayout<Float>.stride
        try withExtendedLifetime((model.parameters, update.m, update.v)) {
            for base in [model.parameters.base, update.m.base, update.v.base] {
                try communicator.broadcast(UnsafeMutableRawPointer(base), bytes: bytes, from: 0)
            }
        }
        try broadcastState()
    }

    /// Rank 0's step, data cursor, generator and validation outcome (best
    /// score, patience, learning-rate decay, early stop) on every rank.
    func broadcastState() throws {
        guard communicator.size > 1 else { return }
        var state: [UInt64] = [
            UInt64(step), UInt64(epoch), UInt64(batchIndex), rng.state, bestScore.bitPattern,
            UInt64(validationsWithoutImprovement), decayMultiplier.bitPattern, UInt64(nonFiniteInARow),
            stopEarly ? 1 : 0,
        ]
        try state.withUnsafeMutableBytes { try communicator.broadcast($0.baseAddress!, bytes: $0.count, from: 0) }
        step = Int(state[0]); epoch = Int(state[1]); batchIndex = Int(state[2]); rng = SplitMix64(seed: state[3])
        bestScore = Double(bitPattern: state[4]); validationsWithoutImprovement = Int(state[5])
        decayMultiplier = Double(bitPattern: state[6]); nonFiniteInARow = Int(state[7]); stopEarly = state[8] != 0
    }

    /// Whether to stop before the next update, the same on every rank: when
    /// any rank was asked to (SIGINT/SIGTERM: mpirun forwards Ctrl-C to
    /// them all), or rank 0's training clock has run out.
    func agreeToStop(timeUp: Bool) throws -> (interrupted: Bool, timeUp: Bool) {
        let requested = stopRequested()
        if communicator.size == 1 { return (requested, timeUp) }
        var votes = [requested ? 1.0 : 0, communicator.isRoot && timeUp ? 1.0 : 0]
        try communicator.sum(&votes)
        return (votes[0] > 0, votes[1] > 0)
    }

    /// Every rank's parameters are rank 0's, bit for bit: the updates are
    /// identical by construction, so a difference means a rank computed on
    /// something else (another CPU's rounding, a faulty host), and the run
    /// stops before it writes a checkpoint mixing them.
    func checkParametersAgree() throws {
        guard communicator.size > 1 else { return }
        let hash = withExtendedLifetime(model.parameters) {
            FNV1a64.hash(UnsafeRawBufferPointer(start: model.parameters.base, count: model.layout.count * MemoryLayout<Float>.stride))
        }
        let differing = try communicator.ranksDiffering(fromRoot: hash)
        if !differing.isEmpty { throw TrainingError.ranksDiverged(step: step, ranks: differing) }
    }
}
