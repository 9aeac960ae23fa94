import S2SCore

/// What one update computes: `accumulate` consecutive batches of the epoch
/// (`--accumulate`), each cut into `shares` (`Batcher.shares`), and the
/// ranks that compute them. Share s of every batch is rank s mod size's, so
/// a run's trajectory is a function of the seed, the data and the share
/// count alone — not of how many processes compute it:
///
///     gradient = Σ_s G_s,   G_s = Σ_k ∂L(batch k, share s)/∂θ
///
/// with every term scaled by 1 / (the update's target tokens). A rank
/// computes its G_s one after another, each from zero, and adds them in
/// share order; the ranks' sums are then added by MPI_Allreduce. With two
/// shares on two processes that is G_0 + G_1 on both, which one process
/// computing both shares also gets (a + b = b + a in floating point): the
/// same bits. With more shares the sums group differently (Allreduce picks
/// its own order), and the result agrees to float rounding.
public struct UpdateWork: Sendable {
    /// [batch k][share s] → pair indices (a share may be empty when a batch
    /// has fewer sentences than shares).
    public let items: [[[Int]]]
    /// Target tokens of the whole update: what every gradient is divided by.
    public let targetTokens: Int
    /// Drawn from the run's generator once per update.
    public let seed: UInt64

    public init(batches: [[Int]], shares: Int, batcher: Batcher, seed: UInt64) {
        items = batches.map { batcher.shares($0, count: shares) }
        targetTokens = batches.joined().reduce(0) { $0 + batcher.shard.target($1).count + 1 }
        self.seed = seed
    }

    public var shareCount: Int { items.first?.count ?? 0 }

    /// The shares rank `rank` of `size` computes, in order.
    public func shares(ofRank rank: Int, size: Int) -> [Int] { Array(stride(from: rank, to: shareCount, by: size)) }

    /// The generator of (batch k, share s): dropout and sampling in that
    /// share draw from it, so they do not depend on which rank computes it
    /// nor on what that rank computed before. States far apart in
    /// SplitMix64's one cycle, from hashing the update's seed with the item.
    public func generator(batch k: Int, share s: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(k * shareCount + s) &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }
}
