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
        let threads = try Command.run("s2s-prep", ["--corpus", "c", "--threads", "0"])
        XCTAssertEqual(threads.status, 64, threads.stderr)
        XCTAssertTrue(threads.stderr.contains("--threads must be at least 1, not 0."), threads.stderr)
    }

    func testHelpExplainsOptionsWithExamples() throws {
        let help = try Command.run("s2s-prep", ["--help"])
        XCTAssertEqual(help.status, 0)
        for needle in ["s2s-prep --corpus corpora/bible-en-es", "--bpe-merges", "--shared", "--min-count",
                       "--max-size", "--normalization", "--max-len"] {
            XCTAssertTrue(help.stdout.contains(needle), "help lacks \(needle)")
        }
    }

    /// Writes a corpus of `pairs` (source, target) lines as c/train.{src,tgt}
    /// under `dir`, and returns `dir`.
    func smallCorpus(_ pairs: [(String, String)], in dir: URL = TestPaths.temporaryFolder("s2s-prep"),
                     folder: String = "c") throws -> URL {
        try AtomicFile.write(text: pairs.map(\.0).joined(separator: "\n") + "\n", to: dir.appendingPathComponent("\(folder)/train.src").path)
        try AtomicFile.write(text: pairs.map(\.1).joined(separator: "\n") + "\n", to: dir.appendingPathComponent("\(folder)/train.tgt").path)
        return dir
    }

    /// The bytes of every file under `folder` but the lock, by relative path.
    func files(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
        where !name.hasSuffix(FolderLock.fileName) {
            var isFolder: ObjCBool = false
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                out[name] = try Data(contentsOf: url)
            }
        }
        return out
    }

    /// --bpe-merges far above what the text allows (Int.max, 10^9) learns
    /// every merge there is and stops: it used to size an array by the
    /// option (an allocation failure at 10^9, heap corruption at Int.max).
    func testAMergeCountAboveWhatTheDataAllowsStopsWhenNoPairIsLeft() throws {
        let dir = try smallCorpus([("low lower newest", "widest low"), ("newest widest", "lower low")])
        let common = ["--corpus", "c", "-q", "--bpe-min-frequency", "1"]
        let all = try Command.run("s2s-prep", common + ["--name", "all", "--bpe-merges", "9223372036854775807"], in: dir)
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertFalse(all.stderr.contains("free()") || all.stderr.contains("Fatal error"), all.stderr)
        let manifest = try StableJSON.decoder().decode(
            PrepManifest.self, from: contents(dir.appendingPathComponent("vocab/all/prep.json")))
        let learned = manifest.bpe.mergesLearned
        XCTAssertEqual(manifest.bpe.mergesRequested, Int.max)
        XCTAssertGreaterThan(learned, 10)
        XCTAssertLessThan(learned, 100)
        for (name, merges) in [("billion", "1000000000"), ("above", "\(learned + 1)")] {
            let r = try Command.run("s2s-prep", common + ["--name", name, "--bpe-merges", merges], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            for folder in ["vocab", "data"] {
                var a = try files(dir.appendingPathComponent("\(folder)/all"))
                var b = try files(dir.appendingPathComponent("\(folder)/\(name)"))
                // prep.json records the name, the data folder and the merges asked for.
                if folder == "vocab" {
                    XCTAssertNotNil(a.removeValue(forKey: "prep.json"))
                    XCTAssertNotNil(b.removeValue(forKey: "prep.json"))
                }
                XCTAssertEqual(a, b, "\(folder): --bpe-merges \(merges)")
                XCTAssertEqual(a.count, folder == "vocab" ? 4 : 1, "\(a.keys)")
            }
        }
    }

    /// A run that fails leaves no folder it made (it used to leave
    /// vocab/NAME and data/NAME holding only .lock).
    func testAFailedRunLeavesNoFolderBehind() throws {
        let dir = try smallCorpus([("", ""), ("", "")])
        let r = try Command.run("s2s-prep", ["--corpus", "c", "-q"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("0 usable pairs"), r.stderr)
        for folder in ["vocab", "data"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(folder).path), folder)
        }
        // Folders that were there stay.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("vocab/c"), withIntermediateDirectories: true)
        XCTAssertEqual(try Command.run("s2s-prep", ["--corpus", "c", "-q"], in: dir).status, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("vocab/c").path), [".lock"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("data").path))
    }

    /// A run into folders that hold another data set stops, naming what
    /// differs and what it would replace; --overwrite replaces it and
    /// removes the old files this run does not write (an old valid.s2sb
    /// would pair old ids with the new vocabulary).
    func testAnotherDataSetIsReplacedOnlyWithOverwrite() throws {
        let dir = try toyCorpus()
        XCTAssertEqual(try Command.run("s2s-prep", ["--corpus", "toy", "-q", "--write-text"], in: dir).status, 0)
        _ = try smallCorpus([("a b c", "c b a"), ("d e", "e d")], in: dir, folder: "other")
        let before = try files(dir)

        let refused = try Command.run("s2s-prep", ["--corpus", "other", "--name", "toy", "-q"], in: dir)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains(
            "vocab/toy/prep.json: holds another data set: test split toy/test.src, toy/test.tgt (this run: none); "
                + "train split toy/train.src, toy/train.tgt (this run: other/train.src, other/train.tgt); "
                + "valid split toy/valid.src, toy/valid.tgt (this run: none). "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("This run would replace vocab/toy/bpe.codes, vocab/toy/prep.json, vocab/toy/shortlist.tsv, "
                                              + "vocab/toy/src.vocab, vocab/toy/tgt.vocab, data/toy/test.bpe.src"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("data/toy/valid.s2sb. Pass --overwrite to replace them, or choose another --name"), refused.stderr)
        XCTAssertEqual(try files(dir), before, "nothing changed")

        let options = try Command.run("s2s-prep", ["--corpus", "toy", "-q", "--bpe-merges", "5"], in: dir)
        XCTAssertEqual(options.status, 1, options.stderr)
        XCTAssertTrue(options.stderr.contains("vocab/toy/prep.json: holds another data set: --bpe-merges 8000 (this run: 5). This run would replace"),
                      options.stderr)

        let sampled = try Command.run("s2s-prep", ["--corpus", "toy", "-q", "--dedupe", "--bpe-sample", "100", "--seed", "3"], in: dir)
        XCTAssertEqual(sampled.status, 1, sampled.stderr)
        XCTAssertTrue(sampled.stderr.contains("vocab/toy/prep.json: holds another data set: --dedupe off (this run: on); "
                                              + "--bpe-sample none (this run: 100 (seed 3)). This run would replace"),
                      sampled.stderr)
        let negative = try Command.run("s2s-prep", ["--corpus", "toy", "-q", "--bpe-sample", "-1"], in: dir)
        XCTAssertEqual(negative.status, 64, negative.stderr)
        XCTAssertTrue(negative.stderr.contains("--bpe-sample must be 0 (all pairs) or more, not -1."), negative.stderr)

        let replaced = try Command.run("s2s-prep", ["--corpus", "other", "--name", "toy", "-q", "--overwrite"], in: dir)
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data/toy").path).sorted(),
                       [".lock", "train.s2sb"])
        let manifest = try StableJSON.decoder().decode(
            PrepManifest.self, from: contents(dir.appendingPathComponent("vocab/toy/prep.json")))
        XCTAssertEqual(manifest.splits.keys.sorted(), ["train"])
        XCTAssertEqual(manifest.splits["train"]?.pairs, 2)
        // The same preparation again needs no --overwrite.
        XCTAssertEqual(try Command.run("s2s-prep", ["--corpus", "other", "--name", "toy", "-q"], in: dir).status, 0)
    }

    /// A data set's name is one folder name inside the vocabulary and data
    /// roots: '' wrote into the roots, '../..' out of them.
    func testNamesThatLeaveTheFoldersAreRefused() throws {
        let dir = try toyCorpus()
        for name in ["", "../../etc/x", "a/b", ".hidden", "..", "x y"] {
            let r = try Command.run("s2s-prep", ["--corpus", "toy", "--name", name, "-q"], in: dir)
            XCTAssertEqual(r.status, 64, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--name '\(name)' is not a data set name: give one folder name of letters, digits, "
                                            + "'-', '_' and '.', not starting with '.'"), "\(name): \(r.stderr)")
        }
        let dot = try Command.run("s2s-prep", ["--corpus", "toy/.", "-q"], in: dir)
        XCTAssertEqual(dot.status, 0, dot.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("vocab/toy/prep.json").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["data", "toy", "vocab"])
        let ok = try Command.run("s2s-prep", ["--corpus", "toy", "--name", "toy-2.v_1", "-q"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// --vocab-dir X --data-dir ./X (or a link to X) is one folder: locked
    /// once (it used to report itself as "another s2s run").
    func testOneFolderForVocabularyAndData() throws {
        let dir = try toyCorpus()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("X"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("L").path, withDestinationPath: "X")
        for data in ["./X", "L", "X/../X"] {
            let r = try Command.run("s2s-prep", ["--corpus", "toy", "-q", "--vocab-dir", "X", "--data-dir", data], in: dir)
            XCTAssertEqual(r.status, 0, "\(data): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("in use"), r.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("X/toy").path).sorted(),
                       [".lock", "bpe.codes", "prep.json", "shortlist.tsv", "src.vocab", "test.s2sb", "tgt.vocab",
                        "train.s2sb", "valid.s2sb"])
    }
}
