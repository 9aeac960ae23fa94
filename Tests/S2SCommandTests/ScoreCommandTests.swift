import _S2STestSupport
import Foundation
import XCTest

final class ScoreCommandTests: XCTestCase {
    /// The fixture's expected lines come from sacreBLEU 2.6.0 itself.
    func testPrintsSacreBLEUsLines() throws {
        let dir = TestPaths.fixture("metrics")
        let hyp = try String(contentsOf: dir.appendingPathComponent("hyp.txt"), encoding: .utf8)
        let r = try Command.run("s2s-score", ["--ref", dir.appendingPathComponent("ref.txt").path], stdin: hyp)
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(
            with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: Any])
        XCTAssertTrue(r.stdout.hasPrefix(try XCTUnwrap(expected["bleu_text"] as? String)), r.stdout)
        XCTAssertTrue(r.stdout.contains(try XCTUnwrap(expected["chrf_text"] as? String)), r.stdout)
        XCTAssertTrue(r.stdout.contains("tok:13a|smooth:exp"), r.stdout)
    }

    func testLineCountMismatch() throws {
        let dir = TestPaths.fixture("metrics")
        let r = try Command.run("s2s-score", ["--ref", dir.appendingPathComponent("ref.txt").path], stdin: "one line\n")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("stdin: has 1 lines but"), r.stderr)
    }

    /// --tokenize and --target-lang choose BLEU's tokenisation; the line and
    /// the signature are sacreBLEU's for it (the fixture's, made by
    /// tools/check/sacrebleu-tokenizer-fixtures.sh).
    func testTokenizationsAndTheirSignatures() throws {
        let dir = TestPaths.fixture("metrics/tokenizers")
        let ref = dir.appendingPathComponent("adversarial.ref").path, hyp = dir.appendingPathComponent("adversarial.hyp").path
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json")))
            as? [String: Any])
        func bleu(_ name: String) throws -> (text: String, signature: String) {
            let t = try XCTUnwrap(((expected["tokenizers"] as? [String: Any])?[name] as? [String: Any])?["bleu"] as? [String: Any])
            let a = try XCTUnwrap(t["adversarial"] as? [String: Any])
            return (try XCTUnwrap(a["text"] as? String), try XCTUnwrap(a["signature"] as? String))
        }
        for (options, name, note) in [(["--tokenize", "intl"], "intl", false), (["--target-lang", "zh"], "zh", false),
                                      (["--target-lang", "ja"], "char", true), (["--target-lang", "de"], "13a", false),
                                      (["--target-lang", "zh", "--tokenize", "none"], "none", false)] {
            let r = try Command.run("s2s-score", ["--ref", ref, "--hyp", hyp] + options)
            XCTAssertEqual(r.status, 0, r.stderr)
            let want = try bleu(name)
            XCTAssertEqual(r.stdout.split(separator: "\n").first.map(String.init), "\(want.text)  [\(want.signature)]", "\(options)")
            XCTAssertEqual(r.stderr.contains("BLEU on characters (tok:char); sacreBLEU's default for it, MeCab, is not part of s2s"), note,
                           r.stderr)
        }
        let json = try Command.run("s2s-score", ["--ref", ref, "--hyp", hyp, "--target-lang", "zh", "--json"])
        XCTAssertTrue(json.stdout.contains(#""tokenize": "zh""#), json.stdout)
        let bad = try Command.run("s2s-score", ["--ref", ref, "--hyp", hyp, "--tokenize", "ja-mecab"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("13a"), bad.stderr)
    }

    /// --directives: the share of lines with format directives whose hypothesis keeps them all.
    func testDirectivesKept() throws {
        let dir = TestPaths.temporaryFolder("s2s-score-directives")
        let ref = dir.appendingPathComponent("ref").path, hyp = dir.appendingPathComponent("hyp").path
        try Data("Datei %s nicht gefunden\n<b>%d</b> Dateien\nohne\n".utf8).write(to: URL(fileURLWithPath: ref))
        try Data("Datei %s fehlt\n%d Dateien\nohne\n".utf8).write(to: URL(fileURLWithPath: hyp))
        let r = try Command.run("s2s-score", ["--ref", ref, "--hyp", hyp, "--directives"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasSuffix("directives kept = 50.00% (1 of 2 lines with format directives)\n"), r.stdout)
        let json = try Command.run("s2s-score", ["--ref", ref, "--hyp", hyp, "--directives", "--json"])
        XCTAssertTrue(json.stdout.contains(#""directives_kept": 50.000000, "directive_lines": 2"#), json.stdout)
    }
}
