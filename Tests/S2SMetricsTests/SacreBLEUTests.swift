import _S2STestSupport
import Foundation
import S2SMetrics
import XCTest

/// BLEU and chrF against sacreBLEU 2.6.0 on Tests/Fixtures/metrics (values
/// computed by tools/check/sacrebleu-fixtures.sh with sacreBLEU itself).
/// Equal to 1e-9: the same counts and the same arithmetic.
final class SacreBLEUTests: XCTestCase {
    func load() throws -> (hyps: [String], refs: [String], expected: [String: Any]) {
        let dir = TestPaths.fixture("metrics")
        func lines(_ name: String) throws -> [String] {
            var l = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
                .components(separatedBy: "\n")
            l.removeLast()  // after the final newline
            return l
        }
        let data = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (try lines("hyp.txt"), try lines("ref.txt"), expected)
    }

    func testCorpusBLEUEqualsSacreBLEU() throws {
        let (hyps, refs, expected) = try load()
        XCTAssertEqual(hyps.count, expected["lines"] as? Int)
        let bleu = BLEU.corpus(hypotheses: hyps, references: refs)
        XCTAssertEqual(bleu.counts, expected["bleu_counts"] as? [Int])
        XCTAssertEqual(bleu.totals, expected["bleu_totals"] as? [Int])
        XCTAssertEqual(bleu.hypothesisLength, expected["bleu_sys_len"] as? Int)
        XCTAssertEqual(bleu.referenceLength, expected["bleu_ref_len"] as? Int)
        XCTAssertEqual(bleu.score, try XCTUnwrap(expected["bleu"] as? Double), accuracy: 1e-9)
        XCTAssertEqual(bleu.description, expected["bleu_text"] as? String)
    }

    func testCorpusChrFEqualsSacreBLEU() throws {
        let (hyps, refs, expected) = try load()
        let chrf = ChrF.corpus(hypotheses: hyps, references: refs)
        XCTAssertEqual(chrf, try XCTUnwrap(expected["chrf"] as? Double), accuracy: 1e-9)
    }

    /// Expected tokens as sacreBLEU 2.6.0's Tokenizer13a()(line).split() gives them.
    func testTokenizer13a() {
        XCTAssertEqual(Tokenizer13a.tokenize("Hello, world. 1,000.50 5-3 (a/b) it's A&amp;B"),
                       ["Hello", ",", "world", ".", "1,000.50", "5", "-", "3", "(", "a", "/", "b", ")", "it's",
                        "A", "&", "B"])
        XCTAssertEqual(Tokenizer13a.tokenize("  "), [])
    }

    func testEdgeCases() {
        XCTAssertEqual(BLEU.corpus(hypotheses: ["a b c d"], references: ["a b c d"]).score, 100, accuracy: 1e-9)
        XCTAssertEqual(BLEU.corpus(hypotheses: [""], references: ["a b"]).score, 0)
        XCTAssertEqual(ChrF.corpus(hypotheses: ["abc"], references: ["abc"]), 100, accuracy: 1e-9)
        XCTAssertEqual(ChrF.corpus(hypotheses: [""], references: [""]), 0)
    }
}
