import _S2STestSupport
import Foundation
import S2SCore
import S2SText
import XCTest

/// `Preparation` streams its passes a batch of pairs at a time on worker
/// threads: neither the number of threads nor the batch size may change a
/// byte of what it writes.
final class PreparationTests: XCTestCase {
    /// The toy reverse corpus, its training text three times over, with an
    /// empty pair and an over-long pair in the middle of the second copy.
    func corpus() throws -> URL {
        let dir = TestPaths.temporaryFolder("s2s-preparation")
        let toy = TestPaths.fixture("toy-reverse")
        for side in ["src", "tgt"] {
            let train = try String(contentsOf: toy.appendingPathComponent("train.\(side)"), encoding: .utf8)
            let odd = side == "src" ? "\n" + Array(repeating: "xo", count: 40).joined(separator: " ") + "\n"
                                    : "ta\n" + Array(repeating: "lo", count: 40).joined(separator: " ") + "\n"
            try (train + train + odd + train).write(to: dir.appendingPathComponent("train.\(side)"), atomically: true, encoding: .utf8)
            for split in ["valid", "test"] {
                try FileManager.default.copyItem(at: toy.appendingPathComponent("\(split).\(side)"),
                                                 to: dir.appendingPathComponent("\(split).\(side)"))
            }
        }
        return dir
    }

    func prepare(_ corpus: URL, into folder: URL, threads: Int, batchSize: Int,
                 configure: (inout Preparation.Options) -> Void = { _ in },
                 progress: @escaping (PrepProgress) -> Void = { _ in }) throws -> PrepManifest {
        let splits = ["train", "valid", "test"].map {
            (name: $0, source: corpus.appendingPathComponent("\($0).src").path, target: corpus.appendingPathComponent("\($0).tgt").path)
        }
        var options = Preparation.Options(name: "toy", splits: splits, vocabFolder: folder.appendingPathComponent("vocab").path,
                                          dataFolder: folder.appendingPathComponent("data").path)
        options.bpeMerges = 50
        options.maxLength = 30
        options.writeText = true
        options.threads = threads
        options.batchSize = batchSize
        configure(&options)
        var preparation = Preparation(options: options)
        preparation.progress = progress
        return try preparation.run()
    }

    /// Every file a preparation wrote into `folder`, by "vocab/NAME" and "data/NAME".
    func outputs(_ folder: URL) throws -> [String: Data] {
        var bytes: [String: Data] = [:]
        for sub in ["vocab", "data"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path)
            where !name.hasPrefix(".") {
                bytes[sub + "/" + name] = try Data(contentsOf: folder.appendingPathComponent(sub + "/" + name))
            }
        }
        return bytes
    }

    /// A corpus folder whose training text is the toy corpus's `copies`
    /// times over (valid and test as they are).
    func repeated(_ copies: Int) throws -> URL {
        let dir = TestPaths.temporaryFolder("s2s-preparation-repeated")
        let toy = TestPaths.fixture("toy-reverse")
        for side in ["src", "tgt"] {
            let train = try String(contentsOf: toy.appendingPathComponent("train.\(side)"), encoding: .utf8)
            try String(repeating: train, count: copies).write(to: dir.appendingPathComponent("train.\(side)"),
                                                              atomically: true, encoding: .utf8)
            for split in ["valid", "test"] {
                try FileManager.default.copyItem(at: toy.appendingPathComponent("\(split).\(side)"),
                                                 to: dir.appendingPathComponent("\(split).\(side)"))
            }
        }
        return dir
    }

    func testEveryThreadCountAndBatchSizeWritesTheSameBytes() throws {
        let corpus = try corpus()
        let runs = [(threads: 1, batchSize: 16384), (threads: 2, batchSize: 1000), (threads: 3, batchSize: 333)]
        var files: [[String: Data]] = []
        for (threads, batchSize) in runs {
            // One folder for every run: prep.json records its path.
            let folder = corpus.appendingPathComponent("out")
            let manifest = try prepare(corpus, into: folder, threads: threads, batchSize: batchSize)
            let train = try XCTUnwrap(manifest.splits["train"])
            XCTAssertEqual(train.lines, 6002)
            XCTAssertEqual(train.pairs, 6000)
            XCTAssertEqual(train.dropped, ["empty": 1, "too_long": 1])
            XCTAssertEqual(manifest.splits["valid"]?.pairs, 100)
            files.append(try outputs(folder))
        }
        XCTAssertEqual(files[0].keys.sorted(), ["data/test.bpe.src", "data/test.bpe.tgt", "data/test.s2sb",
                                                "data/train.bpe.src", "data/train.bpe.tgt", "data/train.s2sb",
                                                "data/valid.bpe.src", "data/valid.bpe.tgt", "data/valid.s2sb",
                                                "vocab/bpe.codes", "vocab/prep.json", "vocab/shortlist.tsv",
                                                "vocab/src.vocab", "vocab/tgt.vocab"])
        for (run, other) in zip(runs.dropFirst(), files.dropFirst()) {
            for (name, data) in files[0] {
                XCTAssertEqual(other[name], data, "\(name) differs with \(run.threads) threads, batches of \(run.batchSize)")
            }
        }
    }

    /// --dedupe on the training text three times over keeps the first copy
    /// of each pair: the same shards and vocabularies as --dedupe on one
    /// copy, on any number of threads; the rest is counted as dropped.
    func testDedupeKeepsTheFirstOfEachPair() throws {
        var files: [[String: Data]] = []
        var duplicates: [Int] = []
        for (copies, threads, batchSize) in [(1, 1, 16384), (3, 1, 16384), (3, 3, 333)] {
            let corpus = try repeated(copies)
            let folder = corpus.appendingPathComponent("out")
            let manifest = try prepare(corpus, into: folder, threads: threads, batchSize: batchSize) { $0.dedupe = true }
            XCTAssertEqual(manifest.dedupe, true)
            let train = try XCTUnwrap(manifest.splits["train"])
            XCTAssertEqual(train.lines, 2000 * copies)
            duplicates.append(try XCTUnwrap(train.dropped["duplicate"]))
            XCTAssertEqual(train.pairs + train.dropped.values.reduce(0, +), train.lines)
            // Validation and test are kept whole.
            XCTAssertNil(manifest.splits["valid"]?.dropped["duplicate"])
            files.append(try outputs(folder).filter { $0.key != "vocab/prep.json" })
        }
        XCTAssertEqual(duplicates[1], duplicates[0] + 2 * 2000)
        XCTAssertEqual(duplicates[2], duplicates[1])
        for other in files.dropFirst() {
            XCTAssertEqual(other.keys.sorted(), files[0].keys.sorted())
            for (name, data) in files[0] { XCTAssertEqual(other[name], data, name) }
        }
        // Without --dedupe every copy is kept.
        let corpus = try repeated(3)
        let all = try prepare(corpus, into: corpus.appendingPathComponent("out"), threads: 2, batchSize: 1000)
        XCTAssertEqual(all.splits["train"]?.pairs, 6000)
        XCTAssertNil(all.dedupe)
        XCTAssertNil(all.splits["train"]?.dropped["duplicate"])
    }

    /// --bpe-sample: merges learned from the drawn pairs only, the same on
    /// any number of threads; every pair still written; a sample as large as
    /// the corpus learns what the whole corpus teaches.
    func testBPESampleLearnsFromTheDrawnPairsAndWritesEveryPair() throws {
        let corpus = try corpus()
        func run(sample: Int, seed: UInt64 = 1, threads: Int = 2) throws -> (PrepManifest, [String: Data]) {
            let folder = corpus.appendingPathComponent("out")
            let manifest = try prepare(corpus, into: folder, threads: threads, batchSize: 1000) {
                $0.bpeSample = sample
                $0.seed = seed
                $0.overwrite = true
            }
            return (manifest, try outputs(folder).filter { $0.key != "vocab/prep.json" })
        }
        let (whole, wholeFiles) = try run(sample: 0)
        XCTAssertNil(whole.bpe.sample)
        let (large, largeFiles) = try run(sample: 1_000_000)
        XCTAssertEqual(large.bpe.sample, 1_000_000)
        XCTAssertEqual(largeFiles, wholeFiles)

        let (small, smallFiles) = try run(sample: 40, seed: 1, threads: 1)
        XCTAssertEqual(small.bpe.sample, 40)
        XCTAssertEqual(small.bpe.sampleSeed, 1)
        XCTAssertEqual(small.splits["train"]?.pairs, whole.splits["train"]?.pairs)
        XCTAssertEqual(try run(sample: 40, seed: 1, threads: 3).1, smallFiles)
        XCTAssertNotEqual(smallFiles["vocab/bpe.codes"], wholeFiles["vocab/bpe.codes"])
        XCTAssertNotEqual(try run(sample: 40, seed: 2).1["vocab/bpe.codes"], smallFiles["vocab/bpe.codes"])
    }

    /// Progress: every pass over every split reports its batches, the
    /// fraction read growing to 1, and ends with its pair count.
    func testProgressReportsEveryPassOverEverySplit() throws {
        let corpus = try corpus()
        nonisolated(unsafe) var events: [PrepProgress] = []
        _ = try prepare(corpus, into: corpus.appendingPathComponent("out"), threads: 2, batchSize: 1000,
                        configure: { $0.bpeSample = 100 }, progress: { events.append($0) })
        let finished = events.filter(\.finished).map { "\($0.pass.rawValue) \($0.split) \($0.pairs)" }
        XCTAssertEqual(finished, ["reading train 6002", "reading valid 100", "reading test 100", "sampling train 6002",
                                  "counting train 6002", "counting valid 100", "counting test 100",
                                  "writing train 6002", "writing valid 100", "writing test 100"])
        let reading = events.filter { $0.pass == .read && $0.split == "train" }
        XCTAssertEqual(reading.count, 8, "7 batches of 1000 and the end")
        let fractions = reading.compactMap(\.fraction)
        XCTAssertEqual(fractions.count, reading.count)
        XCTAssertEqual(fractions, fractions.sorted())
        XCTAssertEqual(fractions.last, 1)
        XCTAssertGreaterThan(fractions.first ?? 0, 0)
    }
}
