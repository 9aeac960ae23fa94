import S2SCore
import S2SModel
import S2SText

/// Cuts a shard into batches of similar length (so little padding is
/// computed) under a token budget or a sentence count, in an order shuffled
/// by the run's seed and the epoch. The batches of an epoch are a pure
/// function of (seed, epoch): a run resumed at (epoch, index) sees exactly
/// the batches an uninterrupted one would have.
public struct Batcher: Sendable {
    public let shard: TokenShard
    /// Padded source+target tokens per batch (0: use `sentences`).
    public let maxTokens: Int
    /// Sentences per batch when `maxTokens` is 0.
    public let sentences: Int
    public let seed: UInt64
    public let reverseSource: Bool

    public init(shard: TokenShard, maxTokens: Int, sentences: Int, seed: UInt64, reverseSource: Bool) {
        self.shard = shard
        self.maxTokens = maxTokens
        self.sentences = sentences
        self.seed = seed
        self.reverseSource = reverseSource
    }

    /// The batches of one epoch, as lists of pair indices.
    public func epoch(_ epoch: Int) -> [[Int]] {
        var rng = SplitMix64(seed: seed &+ 0x5EED_0000 &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        var order = Array(0..<shard.count)
        order.shuffle(using: &rng)
        // Stable sort by length: equal lengths keep the shuffled order.
        order = order.enumerated().sorted { a, b in
            // Target length first: the decoder's steps (T) are the costly
            // sequential part, so batches pad the target side least.
            let la = (shard.target(a.element).count, shard.source(a.element).count)
            let lb = (shard.target(b.element).count, shard.source(b.element).count)
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
        var batches: [[Int]] = []
        var current: [Int] = []
        var maxS = 0, maxT = 0
        for i in order {
            let s = shard.source(i).count + 1, t = shard.target(i).count + 1
            let fits = maxTokens > 0
                ? (current.count + 1) * (max(maxS, s) + max(maxT, t)) <= maxTokens
                : current.count < sentences
            if !fits && !current.isEmpty {
                batches.append(current)
                current = []; maxS = 0; maxT = 0
            }
            current.append(i)
            maxS = max(maxS, s); maxT = max(maxT, t)
        }
        if !current.isEmpty { batches.append(current) }
        batches.shuffle(using: &rng)
        return batches
    }

    /// The fewest sentences a full batch holds: `sentences`, or under a
    /// token budget the sentences of the longest source and the longest
    /// target (with `<EOS>` and `<s>`) that fit it (at least one). Only the
    /// epoch's last batch, made of what is left, may hold fewer.
    public var fewestSentences: Int {
        guard maxTokens > 0 else { return sentences }
        let longest = longestPair
        return max(1, maxTokens / (longest.source + 1 + longest.target + 1))
    }

    /// The longest source and the longest target of the shard, in tokens.
    public var longestPair: (source: Int, target: Int) {
        (0..<shard.count).reduce((0, 0)) { (max($0.0, shard.source($1).count), max($0.1, shard.target($1).count)) }
    }

    /// (sentences, source length, target length) of each batch, <EOS> and <s>
    /// included as the model sees them.
    public func shapes(_ batches: [[Int]]) -> [(batch: Int, source: Int, target: Int)] {
        batches.map { b in
            (b.count, (b.map { shard.source($0).count }.max() ?? 0) + 1, (b.map { shard.target($0).count }.max() ?? 0) + 1)
        }
    }

    /// A batch's sentences in passes of at most about `maxTokens` padded
    /// source+target tokens each (sentences × (longest source + longest
    /// target)): contiguous parts of near-equal size whose gradients the
    /// trainer adds up, so that a batch of long sentences makes the same
    /// update in less activation memory. 0: one pass.
    public func passes(_ batch: [Int], maxTokens: Int) -> [[Int]] {
        guard maxTokens > 0, let shape = shapes([batch]).first else { return [batch] }
        let padded = shape.batch * (shape.source + shape.target)
        let k = min(batch.count, (padded - 1) / maxTokens + 1)  // ⌈padded / maxTokens⌉ without overflow
        if k <= 1 { return [batch] }
        return (0..<k).map { i in Array(batch[(batch.count * i / k)..<(batch.count * (i + 1) / k)]) }
    }

    /// A batch's sentences in `count` contiguous shares of about equal
    /// source+target tokens (<EOS> and <s> included): what each process of
    /// a data-parallel run computes. A batch is sorted by length, so each
    /// share pads little. Shares are empty only when the batch has fewer
    /// sentences than `count`.
    public func shares(_ batch: [Int], count: Int) -> [[Int]] {
        precondition(count >= 1)
        if count == 1 { return [batch] }
        let tokens = batch.map { shard.source($0).count + shard.target($0).count + 2 }
        let total = tokens.reduce(0, +)
        var result: [[Int]] = []
        var start = 0, seen = 0
        for k in 1..<count {
            guard start < batch.count else { result.append([]); continue }
            // Share k takes at least one sentence, then each next one whose
            // middle stays within k/count of the total, and leaves one for
            // every share after it.
            let goal = total * k / count
            let latest = batch.count - (count - k)
            var end = start + 1
            seen += tokens[start]
            while end < latest && 2 * seen + tokens[end] <= 2 * goal {
                seen += tokens[end]
                end += 1
            }
            result.append(Array(batch[start..<end]))
            start = end
        }
        result.append(start < batch.count ? Array(batch[start...]) : [])
        return result
    }

    /// The model's batch for these pair indices.
    public func batch(_ indices: [Int]) -> Batch {
        let pairs = indices.map { i in
            (source: shard.source(i).map { Int32(bitPattern: $0) }, target: shard.target(i).map { Int32(bitPattern: $0) })
        }
        return Batch(pairs: pairs, reverseSource: reverseSource)
    }
}
