import _S2STestSupport
import Foundation
import S2SCore
import S2SModel
import S2STraining
import S2SText
import XCTest

/// The pieces of data-parallel training that need no second process: how a
/// batch is cut into shares, which rank computes which, the shares' random
/// streams, and what ranks compare at the start.
final class DataParallelTests: XCTestCase {
    let vocabulary = Vocabulary(tokens: ["a", "b"], counts: [2, 1])

    /// A shard whose pair i has source and target lengths `lengths[i]`.
    func shard(_ lengths: [(Int, Int)]) throws -> TokenShard {
        let pairs = lengths.map { (source: [Int32](repeating: 4, count: $0.0), target: [Int32](repeating: 5, count: $0.1)) }
        let path = TestPaths.temporaryFolder().appendingPathComponent("t.s2sb").path
        try AtomicFile.write(TokenShard.encode(pairs: pairs, sourceVocabulary: vocabulary, targetVocabulary: vocabulary),
                             to: path)
        return try TokenShard(path: path, sourceVocabulary: vocabulary, targetVocabulary: vocabulary)
    }

    func batcher(_ shard: TokenShard) -> Batcher {
        Batcher(shard: shard, maxTokens: 0, sentences: 64, seed: 1, reverseSource: false)
    }

    /// Shares are contiguous, cover the batch in order, and split its tokens
    /// (source + target + 2 a sentence) as evenly as whole sentences allow.
    func testSharesSplitTheBatchByTokens() throws {
        // Tokens per sentence: 4, 4, 4, 4, 12, 12 (total 40).
        let b = batcher(try shard([(1, 1), (1, 1), (1, 1), (1, 1), (5, 5), (5, 5)]))
        let batch = [0, 1, 2, 3, 4, 5]
        XCTAssertEqual(b.shares(batch, count: 1), [batch])
        // Half of 40 is 20: 4+4+4+4 = 16, and the next sentence's middle (22) is past it.
        XCTAssertEqual(b.shares(batch, count: 2), [[0, 1, 2, 3], [4, 5]])
        // Thirds at 13 and 26: 4+4+4 = 12 (the fourth's middle, 14, is past 13); then 4+12 ends at 28 (middle 22 ≤ 26).
        XCTAssertEqual(b.shares(batch, count: 3), [[0, 1, 2], [3, 4], [5]])
        // As many shares as sentences: one each; more: the rest are empty.
        XCTAssertEqual(b.shares(batch, count: 6), batch.map { [$0] })
        XCTAssertEqual(b.shares([0, 1], count: 4), [[0], [1], [], []])
        // However uneven the sentences, every share gets one while there are enough.
        let skewed = batcher(try shard([(40, 40), (1, 1), (1, 1), (1, 1)]))
        XCTAssertEqual(skewed.shares([0, 1, 2, 3], count: 3), [[0], [1], [2, 3]])
    }

    /// Share s is rank s mod size's; every share is computed exactly once
    /// whatever the process count.
    func testEveryShareHasExactlyOneRank() throws {
        let b = batcher(try shard(Array(repeating: (3, 3), count: 10)))
        let work = UpdateWork(batches: [Array(0..<5), Array(5..<10)], shares: 4, batcher: b, seed: 7)
        XCTAssertEqual(work.targetTokens, 10 * 4, "target tokens and <EOS> of both batches")
        for size in 1...6 {
            let all = (0..<size).flatMap { work.shares(ofRank: $0, size: size) }
            XCTAssertEqual(all.sorted(), [0, 1, 2, 3], "size \(size)")
        }
        XCTAssertEqual(work.shares(ofRank: 1, size: 2), [1, 3])
        XCTAssertEqual(work.shares(ofRank: 5, size: 6), [])
    }

    /// Each (batch, share) has its own stream, a function of the update's
    /// seed and the item alone.
    func testEachShareDrawsItsOwnStream() throws {
        let b = batcher(try shard(Array(repeating: (3, 3), count: 8)))
        let work = UpdateWork(batches: [Array(0..<4), Array(4..<8)], shares: 2, batcher: b, seed: 42)
        var firsts: Set<UInt64> = []
        for k in 0..<2 {
            for s in 0..<2 {
                var g = work.generator(batch: k, share: s)
                var again = UpdateWork(batches: [Array(0..<4), Array(4..<8)], shares: 2, batcher: b, seed: 42)
                    .generator(batch: k, share: s)
                let first = g.next()
                XCTAssertEqual(first, again.next())
                firsts.insert(first)
            }
        }
        XCTAssertEqual(firsts.count, 4)
        var other = UpdateWork(batches: [Array(0..<4)], shares: 2, batcher: b, seed: 43).generator(batch: 0, share: 0)
        XCTAssertFalse(firsts.contains(other.next()))
    }

    /// The options ranks compare leave out what may differ between hosts.
    /// The memory estimate counts the sum a rank keeps when it computes
    /// more than one share of a batch: two shares on one process need one
    /// gradient more than on two (the batches' shapes are the same).
    func testTheShareSumIsCountedInTheMemoryEstimate() throws {
        let train = try shard(Array(repeating: (5, 6), count: 40))
        var model = ModelConfig(sourceVocabularySize: 10, targetVocabularySize: 10)
        model.embeddingSize = 8; model.hiddenSize = 8; model.layers = 1
        var run = ModelFolder.RunConfig(model: model, training: TrainingOptions(), data: "d", vocab: "v")
        run.training.batchTokens = 0
        run.training.shares = 2
        let one = Trainer.estimatedBytes(config: run, train: train, processes: 1)
        let two = Trainer.estimatedBytes(config: run, train: train, processes: 2)
        XCTAssertEqual(one - two, 4 * MemoryEstimate.parameters(model))
    }

    func testComparedOptionsDropPerHostValues() {
        XCTAssertEqual(JobInputs.comparableOptions(["s2s-train", "--data", "/a/data", "--vocab=/a/vocab", "--model", "m",
                                                    "--threads", "4", "--preset", "base", "--seed", "3"]),
                       ["--data", "--vocab", "--model", "--threads", "--preset", "base", "--seed", "3"])
        XCTAssertNotEqual(JobInputs.comparableOptions(["s2s-train", "--seed", "3"]),
                          JobInputs.comparableOptions(["s2s-train", "--seed", "4"]))
    }
}
