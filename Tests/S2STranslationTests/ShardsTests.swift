import _S2STestSupport
import Foundation
import S2SCore
import S2SKernels
import S2SModel
import S2SSearch
import S2STranslation
import XCTest

/// Searching a batch in shards on several threads gives what one search over
/// the whole batch gives, in the input's order.
final class ShardsTests: XCTestCase {
    func testShardsInterleaveAndComeBackInOrder() {
        let sources = (0..<300).map { [Int32($0)] }
        let calls = Calls()
        let out = Shards.map(sources, rowsPerSentence: 1, threads: 3) { part -> [Int32] in
            calls.record(part.map { $0[0] })
            return part.map { $0[0] * 2 }
        }
        XCTAssertEqual(out, sources.map { $0[0] * 2 })
        let shards = calls.parts.sorted { $0[0] < $1[0] }
        XCTAssertEqual(shards.count, 3)
        for (i, shard) in shards.enumerated() {
            XCTAssertEqual(shard, Array(stride(from: Int32(i), to: 300, by: 3)))
        }
    }

    func testFewRowsStayInOneShardOnTheCallingThread() {
        // 12 sentences × beam 5 = 60 rows < Shards.minimumRows.
        let calls = Calls()
        let sources = (0..<12).map { [Int32($0)] }
        _ = Shards.map(sources, rowsPerSentence: 5, threads: 2) { part -> [Int] in
            calls.record(part.map { $0[0] })
            XCTAssertTrue(Thread.isMainThread)
            return part.map { _ in 0 }
        }
        XCTAssertEqual(calls.parts.count, 1)
        XCTAssertEqual(KernelThreads.current, ProcessInfo.processInfo.activeProcessorCount, "threads restored")
    }

    /// A real model: the n-best lists of a sharded beam search are those of
    /// one search over all sentences (tokens exactly, scores to rounding:
    /// the encoder's products see other batches).
    func testShardedBeamSearchEqualsOneSearch() throws {
        var c = ModelConfig(sourceVocabularySize: 20, targetVocabularySize: 30)
        c.embeddingSize = 16; c.hiddenSize = 16; c.layers = 2; c.attention = .general; c.inputFeeding = true
        let model = try Seq2Seq<Float>(config: c)
        model.initialize(seed: 9, scale: 0.8)
        model.packForDecoding()
        var rng = SplitMix64(seed: 10)
        let sources: [[Int32]] = (0..<40).map { _ in (0..<(2 + Int(rng.next() % 6))).map { _ in Int32(4 + rng.next() % 16) } }
        var o = BeamSearch.Options()
        o.beamSize = 5; o.nBest = 2; o.maxLengthExtra = 6
        let whole = BeamSearch.decode(model, sources: sources, options: o)
        let sharded = Shards.map(sources, rowsPerSentence: 5, threads: 2) { BeamSearch.decode(model, sources: $0, options: o) }
        XCTAssertEqual(sharded.count, sources.count)
        for (a, b) in zip(whole, sharded) {
            XCTAssertEqual(a.map(\.tokens), b.map(\.tokens))
            for (x, y) in zip(a, b) { XCTAssertEqual(x.score, y.score, accuracy: 1e-4) }
        }
    }
}

/// What each shard was given (shards run on several threads).
private final class Calls: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var parts: [[Int32]] = []
    func record(_ part: [Int32]) { lock.lock(); parts.append(part); lock.unlock() }
}
