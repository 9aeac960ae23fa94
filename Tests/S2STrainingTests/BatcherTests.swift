import _S2STestSupport
import Foundation
import S2SCore
import S2STraining
import S2SText
import XCTest

/// An epoch's batches are a function of (seed, epoch) that runs resumed
/// from older checkpoints rely on: the compact batcher (4 bytes a pair,
/// counting sorts) gives exactly the batches of the list-of-lists one it
/// replaced, kept here as the reference.
final class BatcherTests: XCTestCase {
    let vocabulary = Vocabulary(tokens: ["a", "b"], counts: [2, 1])

    func shard(_ lengths: [(Int, Int)]) throws -> TokenShard {
        let pairs = lengths.map { (source: [Int32](repeating: 4, count: $0.0), target: [Int32](repeating: 5, count: $0.1)) }
        let path = TestPaths.temporaryFolder().appendingPathComponent("t.s2sb").path
        try AtomicFile.write(TokenShard.encode(pairs: pairs, sourceVocabulary: vocabulary, targetVocabulary: vocabulary), to: path)
        return try TokenShard(path: path, sourceVocabulary: vocabulary, targetVocabulary: vocabulary)
    }

    /// The batcher as it was: shuffle, comparison sort by (target, source,
    /// shuffled position), greedy cut, shuffle of the batches.
    func reference(_ b: Batcher, _ epoch: Int) -> [[Int]] {
        var rng = SplitMix64(seed: b.seed &+ 0x5EED_0000 &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        var order = Array(0..<b.shard.count)
        order.shuffle(using: &rng)
        order = order.enumerated().sorted { a, c in
            let la = (b.shard.target(a.element).count, b.shard.source(a.element).count)
            let lc = (b.shard.target(c.element).count, b.shard.source(c.element).count)
            return la != lc ? la < lc : a.offset < c.offset
        }.map(\.element)
        var batches: [[Int]] = [], current: [Int] = []
        var maxS = 0, maxT = 0
        for i in order {
            let s = b.shard.source(i).count + 1, t = b.shard.target(i).count + 1
            let fits = b.maxTokens > 0 ? (current.count + 1) * (max(maxS, s) + max(maxT, t)) <= b.maxTokens
                                       : current.count < b.sentences
            if !fits && !current.isEmpty { batches.append(current); current = []; maxS = 0; maxT = 0 }
            current.append(i)
            maxS = max(maxS, s); maxT = max(maxT, t)
        }
        if !current.isEmpty { batches.append(current) }
        batches.shuffle(using: &rng)
        return batches
    }

    func testTheSameBatchesAsTheListBatcher() throws {
        var rng = SplitMix64(seed: 7)
        // Many equal lengths (ties keep the shuffled order), a few long pairs.
        let lengths = (0..<3_000).map { _ in (Int(rng.next() % 40), Int(rng.next() % 30) + (rng.next() % 50 == 0 ? 200 : 0)) }
        let data = try shard(lengths)
        for (tokens, sentences, seed) in [(0, 64, UInt64(1)), (0, 7, 3), (600, 64, 1), (4_096, 64, 42), (250, 64, 9)] {
            let b = Batcher(shard: data, maxTokens: tokens, sentences: sentences, seed: seed, reverseSource: false)
            for epoch in 0..<3 {
                XCTAssertEqual(Array(b.epoch(epoch)), reference(b, epoch), "budget \(tokens), \(sentences) sentences, seed \(seed), epoch \(epoch)")
            }
        }
        // Lengths beyond the counting sort's range take the comparison sort: the same order.
        let long = try shard([(3, 2_000_000), (1, 5), (2, 2_000_000), (1, 5), (4, 1)])
        let b = Batcher(shard: long, maxTokens: 0, sentences: 2, seed: 5, reverseSource: false)
        XCTAssertEqual(Array(b.epoch(0)), reference(b, 0))
        XCTAssertEqual(Array(b.epoch(1)).joined().sorted(), [0, 1, 2, 3, 4], "every pair once")
    }
}
