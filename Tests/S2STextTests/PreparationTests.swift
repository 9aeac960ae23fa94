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

    func prepare(_ corpus: URL, into folder: URL, threads: Int, batchSize: Int) throws -> PrepManifest {
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
        return try Preparation(options: options).run()
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
            var bytes: [String: Data] = [:]
            for sub in ["vocab", "data"] {
                for name in try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path)
                where !name.hasPrefix(".") {
                    bytes[sub + "/" + name] = try Data(contentsOf: folder.appendingPathComponent(sub + "/" + name))
                }
            }
            files.append(bytes)
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
}
