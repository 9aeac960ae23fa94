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

    /// The batches of one epoch, as lists of pair indices: the pairs in an
    /// order shuffled by (seed, epoch), stably sorted by (target length,
    /// source length), cut greedily into batches under the budget, and the
    /// batches shuffled. Held in 4 bytes a pair (`EpochBatches`); the sort
    /// is two stable counting passes, linear in the pairs.
    public func epoch(_ epoch: Int) -> EpochBatches {
        var rng = SplitMix64(seed: seed &+ 0x5EED_0000 &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        precondition(shard.count <= Int(UInt32.max), "a shard of more than 2^32 pairs")
        var order = (0..<UInt32(shard.count)).map { $0 }
        order.shuffle(using: &rng)
        // Target length first: the decoder's steps (T) are the costly
        // sequential part, so batches pad the target side least. Sorting by
        // source and then, stably, by target gives (target, source) order
        // with equal lengths in the shuffled order.
        order = Self.stableSort(order) { shard.sourceLength(Int($0)) }
        order = Self.stableSort(order) { shard.targetLength(Int($0)) }
        var starts: [UInt32] = [0]
        var size = 0, maxS = 0, maxT = 0
        for (k, i) in order.enumerated() {
            let s = shard.sourceLength(Int(i)) + 1, t = shard.targetLength(Int(i)) + 1
            let fits = maxTokens > 0
                ? (size + 1) * (max(maxS, s) + max(maxT, t)) <= maxTokens
                : size < sentences
            if !fits && size > 0 {
                starts.append(UInt32(k))
                size = 0; maxS = 0; maxT = 0
            }
            size += 1
            maxS = max(maxS, s); maxT = max(maxT, t)
        }
        if size > 0 { starts.append(UInt32(order.count)) }
        // The same draws as shuffling the batches themselves.
        var sequence = (0..<UInt32(starts.count - 1)).map { $0 }
        sequence.shuffle(using: &rng)
        return EpochBatches(order: order, starts: starts, sequence: sequence)
    }

    /// `items` stably sorted by `key` (a length): a counting sort where the
    /// longest key is small enough for a count array, else a merge sort.
    static func stableSort(_ items: [UInt32], key: (UInt32) -> Int) -> [UInt32] {
        let longest = items.reduce(0) { max($0, key($1)) }
        guard longest <= 1 << 20 else {
            return items.enumerated().sorted { (key($0.element), $0.offset) < (key($1.element), $1.offset) }.map(\.element)
        }
        var next = [Int](repeating: 0, count: longest + 2)
        for x in items { next[key(x) + 1] += 1 }
        for l in 0...longest { next[l + 1] += next[l] }
        var out = [UInt32](repeating: 0, count: items.count)
        for x in items {
            let l = key(x)
            out[next[l]] = x
            next[l] += 1
        }
        return out
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
        (0..<shard.count).reduce((0, 0)) { (max($0.0, shard.sourceLength($1)), max($0.1, shard.targetLength($1))) }
    }

    /// (sentences, source length, target length) of each batch, <EOS> and <s>
    /// included as the model sees them.
    public func shapes(_ batches: [[Int]]) -> [(batch: Int, source: Int, target: Int)] {
        batches.map { b in
            (b.count, (b.map { shard.sourceLength($0) }.max() ?? 0) + 1, (b.map { shard.targetLength($0) }.max() ?? 0) + 1)
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
        let tokens = batch.map { shard.sourceLength($0) + shard.targetLength($0) + 2 }
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

/// One epoch's batches (`Batcher.epoch`): batch k is the pair indices
/// `order[starts[b] ..< starts[b + 1]]` with b = `sequence[k]`. Four bytes a
/// pair, so that a corpus of millions of pairs costs megabytes, not a
/// list of lists; a batch's indices are made when it is read.
public struct EpochBatches: RandomAccessCollection, Sendable {
    /// Every pair once, sorted by length.
    let order: [UInt32]
    /// Where each batch starts in `order` (batches + 1 entries).
    let starts: [UInt32]
    /// The epoch's order of the batches.
    let sequence: [UInt32]

    public var startIndex: Int { 0 }
    public var endIndex: Int { sequence.count }

    public subscript(k: Int) -> [Int] {
        let b = Int(sequence[k])
        return order[Int(starts[b])..<Int(starts[b + 1])].map { Int($0) }
    }
}
