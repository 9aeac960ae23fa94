import _S2STestSupport
import Foundation
import S2S
import XCTest

/// `Preparation` as a Swift program uses it, on the toy reverse corpus: what
/// it writes must be what s2s-prep writes, byte for byte, and its events
/// must tell each pass and step.
final class PreparationTests: XCTestCase {
    func testTheToyCorpusPreparesAsTheCommandPreparesIt() throws {
        let dir = TestPaths.temporaryFolder("s2s-library-prep")
        var options = try Preparation.Options(corpus: TestPaths.fixture("toy-reverse").path, name: "toy",
                                              vocabularyDirectory: dir.appendingPathComponent("vocab").path,
                                              dataDirectory: dir.appendingPathComponent("data").path)
        options.bpeMerges = 10
        XCTAssertEqual(options.splits.map(\.name), ["train", "valid", "test"])
        var messages: [String] = []
        var progress: [Preparation.Progress] = []
        let result = try Preparation(options: options).run { event in
            switch event {
            case .message(let m): messages.append(m)
            case .progress(let p): progress.append(p)
            }
        }
        XCTAssertEqual(result.pairs, ["train": 2000, "valid": 100, "test": 100])
        XCTAssertEqual(result.dropped["train"], ["empty": 0, "too_long": 0])
        XCTAssertEqual(result.bpeMerges, 10)
        XCTAssertGreaterThan(result.sourceVocabularySize, 4, "the specials and the toy's symbols")
        XCTAssertTrue(messages.contains { $0.hasPrefix("learned 10 BPE merges") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("train.s2sb: 2000 pairs") }, "\(messages)")
        // Every pass over the training split ends with all its pairs.
        let finished = progress.filter { $0.finished && $0.split == "train" }
        XCTAssertEqual(finished.map(\.pass), [.read, .count, .write])
        XCTAssertEqual(Set(finished.map(\.pairs)), [2000])

        let command = TestPaths.temporaryFolder("s2s-library-prep-command")
        let r = try Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-reverse").path, "--name", "toy",
                                             "--bpe-merges", "10", "-q"], in: command)
        XCTAssertEqual(r.status, 0, r.stderr)
        for file in ["vocab/toy/bpe.codes", "vocab/toy/src.vocab", "vocab/toy/tgt.vocab", "data/toy/train.s2sb",
                     "data/toy/valid.s2sb"] {
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent(file)),
                           try Data(contentsOf: command.appendingPathComponent(file)), file)
        }
    }

    /// Bad input is an error naming the file and line, and nothing is left behind.
    func testUnequalLinesNameBothFilesAndLeaveNoFolder() throws {
        let dir = TestPaths.temporaryFolder("s2s-library-prep-bad")
        try "a\nb\n".write(to: dir.appendingPathComponent("x.src"), atomically: true, encoding: .utf8)
        try "a\n".write(to: dir.appendingPathComponent("x.tgt"), atomically: true, encoding: .utf8)
        let options = Preparation.Options(name: "x", splits: [.init(name: "train", source: dir.appendingPathComponent("x.src").path,
                                                                       target: dir.appendingPathComponent("x.tgt").path)],
                                          vocabularyFolder: dir.appendingPathComponent("vocab/x").path,
                                          dataFolder: dir.appendingPathComponent("data/x").path)
        XCTAssertThrowsError(try Preparation(options: options).run()) { error in
            XCTAssertTrue("\(error)".contains("x.src: has 2 lines but"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("vocab/x").path))
        XCTAssertThrowsError(try Preparation.Options(corpus: dir.appendingPathComponent("none").path)) { error in
            guard case S2SError.input(let file, _, let problem, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(file.hasSuffix("none/train.src"), file)
            XCTAssertEqual(problem, "no such file")
        }
    }
}
