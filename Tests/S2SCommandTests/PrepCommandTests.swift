import _S2STestSupport
import Foundation
import S2SCore
import S2SText
import XCTest

/// `s2s-prep` run as a binary, the way users run it.
final class PrepCommandTests: XCTestCase {
    /// Copies the toy reverse corpus into a fresh folder and returns it.
    func toyCorpus() throws -> URL {
        let dir = TestPaths.temporaryFolder("s2s-prep")
        try FileManager.default.copyItem(at: TestPaths.fixture("toy-reverse"),
                                         to: dir.appendingPathComponent("toy"))
        return dir
    }

    func contents(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    func testPrepOnToyCorpusEndToEnd() throws {
        let dir = try toyCorpus()
        let result = try Command.run("s2s-prep", ["--corpus", "toy", "--bpe-merges", "10"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("wrote data/toy/train.s2sb: 2000 pairs"), result.stderr)

        let vocabDir = dir.appendingPathComponent("vocab/toy")
        let manifest = try StableJSON.decoder().decode(
            PrepManifest.self, from: contents(vocabDir.appendingPathComponent("prep.json")))
        XCTAssertEqual(manifest.name, "toy")
        XCTAssertEqual(manifest.splits["train"]?.pairs, 2000)
        XCTAssertEqual(manifest.splits["valid"]?.pairs, 100)
        XCTAssertEqual(manifest.splits["test"]?.pairs, 100)
        XCTAssertEqual(manifest.splits["train"]?.dropped, ["empty": 0, "too_long": 0])

        let src = try Vocabulary(fileText: String(contentsOf: vocabDir.appendingPathComponent("src.vocab"), encoding: .utf8), path: "src.vocab")
        let tgt = try Vocabulary(fileText: String(contentsOf: vocabDir.appendingPathComponent("tgt.vocab"), encoding: .utf8), path: "tgt.vocab")
        XCTAssertEqual(manifest.sourceVocabulary.size, src.count)
        XCTAssertEqual(manifest.sourceVocabulary.hash, String(src.hash, radix: 16))

        // The shard holds the corpus: decode the first pair back to its text.
        let shard = try TokenShard(path: dir.appendingPathComponent("data/toy/train.s2sb").path,
                                   sourceVocabulary: src, targetVocabulary: tgt)
        XCTAssertEqual(shard.count, 2000)
        let codes = try BPECodes(fileText: String(contentsOf: vocabDir.appendingPathComponent("bpe.codes"), encoding: .utf8), path: "bpe.codes")
        XCTAssertEqual(codes.merges.count, 10)
        let firstSource = try String(contentsOf: dir.appendingPathComponent("toy/train.src"), encoding: .utf8)
            .split(separator: "\n")[0]
        let decoded = Tokenizer.detokenize(BPE.join(shard.source(0).map { src.token(Int32($0)) }))
        XCTAssertEqual(decoded, String(firstSource))
    }

    func testRerunGivesByteIdenticalOutputs() throws {
        let dir = try toyCorpus()
        let files = ["vocab/toy/prep.json", "vocab/toy/bpe.codes", "vocab/toy/src.vocab", "vocab/toy/tgt.vocab",
                     "data/toy/train.s2sb", "data/toy/valid.s2sb", "data/toy/test.s2sb"]
        XCTAssertEqual(try Command.run("s2s-prep", ["--corpus", "toy", "-q"], in: dir).status, 0)
        let first = try files.map { try contents(dir.appendingPathComponent($0)) }
        XCTAssertEqual(try Command.run("s2s-prep", ["--corpus", "toy", "-q"], in: dir).status, 0)
        let second = try files.map { try contents(dir.appendingPathComponent($0)) }
        for (name, (a, b)) in zip(files, zip(first, second)) {
            XCTAssertEqual(a, b, "\(name) differs between two runs")
        }
    }

    func testSharedVocabularyAndTextOutput() throws {
        let dir = try toyCorpus()
        let result = try Command.run("s2s-prep", ["--corpus", "toy", "--shared", "--write-text", "-q"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let src = try contents(dir.appendingPathComponent("vocab/toy/src.vocab"))
        XCTAssertEqual(src, try contents(dir.appendingPathComponent("vocab/toy/tgt.vocab")))
        let text = try String(contentsOf: dir.appendingPathComponent("data/toy/valid.bpe.tgt"), encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").count, 100)
    }

    /// --source-lang/--target-lang are recorded in prep.json (s2s-serve's
    /// language pair); a code that is not ISO 639-1 is refused.
    func testLanguageCodesGoIntoPrepJSON() throws {
        let dir = try toyCorpus()
        let result = try Command.run("s2s-prep", ["--corpus", "toy", "--source-lang", "en", "--target-lang", "es", "-q"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let prep = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("vocab/toy/prep.json"))) as? [String: Any]
        XCTAssertEqual(prep?["source_language"] as? String, "en")
        XCTAssertEqual(prep?["target_language"] as? String, "es")
        let bad = try Command.run("s2s-prep", ["--corpus", "toy", "--target-lang", "ES"], in: dir)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--target-lang: 'ES' is not an ISO 639-1 language code"), bad.stderr)
    }

    func testMismatchedLineCountsAreAnError() throws {
        let dir = TestPaths.temporaryFolder("s2s-prep")
        try AtomicFile.write(text: "a b\nc d\n", to: dir.appendingPathComponent("x.src").path)
        try AtomicFile.write(text: "b a\n", to: dir.appendingPathComponent("x.tgt").path)
        let result = try Command.run("s2s-prep", ["--name", "x", "--train-src", "x.src", "--train-tgt", "x.tgt"], in: dir)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("x.src: has 2 lines but x.tgt has 1"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("vocab/x/prep.json").path))
    }

    func testInvalidUTF8IsAnErrorNamingFileAndLine() throws {
        let dir = TestPaths.temporaryFolder("s2s-prep")
        try AtomicFile.write(Array("a b\n".utf8) + [0x63, 0xFF, 0x0A], to: dir.appendingPathComponent("x.src").path)
        try AtomicFile.write(text: "b a\nc\n", to: dir.appendingPathComponent("x.tgt").path)
        let result = try Command.run("s2s-prep", ["--name", "x", "--train-src", "x.src", "--train-tgt", "x.tgt"], in: dir)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("x.src:2: invalid UTF-8 (byte 0xFF at byte 2 of the line)"), result.stderr)
    }

    func testEmptyAndOverlongPairsAreDroppedAndCounted() throws {
        let dir = TestPaths.temporaryFolder("s2s-prep")
        try AtomicFile.write(text: "a b\n\nc d e f g\nh\n", to: dir.appendingPathComponent("x.src").path)
        try AtomicFile.write(text: "b a\nz\ng f e d c\n  \n", to: dir.appendingPathComponent("x.tgt").path)
        let result = try Command.run(
            "s2s-prep", ["--name", "x", "--train-src", "x.src", "--train-tgt", "x.tgt", "--max-len", "4"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("1 pairs (dropped 2 empty, 1 too_long)"), result.stderr)
        let manifest = try StableJSON.decoder().decode(
            PrepManifest.self, from: contents(dir.appendingPathComponent("vocab/x/prep.json")))
        XCTAssertEqual(manifest.splits["train"]?.dropped, ["empty": 2, "too_long": 1])
        XCTAssertEqual(manifest.splits["train"]?.lines, 4)
    }

    func testBadOptionsExplainThemselves() throws {
        let none = try Command.run("s2s-prep", [])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("Give --corpus DIR, or --train-src and --train-tgt."), none.stderr)
        let half = try Command.run("s2s-prep", ["--name", "n", "--train-src", "a", "--train-tgt", "b", "--valid-src", "c"])
        XCTAssertTrue(half.stderr.contains("--valid-src and --valid-tgt go together"), half.stderr)
        let missing = try Command.run("s2s-prep", ["--corpus", "/no/such/corpus"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("/no/such/corpus/train.src: no such file"), missing.stderr)
    }

    func testHelpExplainsOptionsWithExamples() throws {
        let help = try Command.run("s2s-prep", ["--help"])
        XCTAssertEqual(help.status, 0)
        for needle in ["s2s-prep --corpus corpora/bible-en-es", "--bpe-merges", "--shared", "--min-count",
                       "--max-size", "--normalization", "--max-len"] {
            XCTAssertTrue(help.stdout.contains(needle), "help lacks \(needle)")
        }
    }
}
