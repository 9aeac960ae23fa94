import _S2STestSupport
import Foundation
import S2S
import XCTest

/// `Scoring` gives sacreBLEU's numbers, lines and signatures (the fixture's
/// expected values come from sacreBLEU 2.6.0 itself: tools/check/sacrebleu-fixtures.sh).
final class ScoringTests: XCTestCase {
    func testBLEUAndChrFEqualSacreBLEUs() throws {
        let dir = TestPaths.fixture("metrics")
        let hypotheses = try lines(dir.appendingPathComponent("hyp.txt"))
        let references = try lines(dir.appendingPathComponent("ref.txt"))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(
            with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: Any])
        let bleu = try Scoring.bleu(hypotheses: hypotheses, references: references)
        XCTAssertEqual(bleu.score, try XCTUnwrap(expected["bleu"] as? Double), accuracy: 1e-9)
        XCTAssertEqual(bleu.counts, expected["bleu_counts"] as? [Int])
        XCTAssertEqual(bleu.totals, expected["bleu_totals"] as? [Int])
        XCTAssertEqual(bleu.hypothesisLength, 9073)
        XCTAssertEqual(bleu.referenceLength, 10174)
        XCTAssertEqual(bleu.description, expected["bleu_text"] as? String)
        XCTAssertEqual(bleu.signature, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0")
        let chrF = try Scoring.chrF(hypotheses: hypotheses, references: references)
        XCTAssertEqual(chrF.score, try XCTUnwrap(expected["chrf"] as? Double), accuracy: 1e-9)
        XCTAssertEqual(chrF.description, expected["chrf_text"] as? String)
        XCTAssertEqual(chrF.signature, "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0")
    }

    /// Each tokenisation counts other words and says so in its signature.
    func testTokenizations() throws {
        let hypotheses = ["東京は晴れ。", "Hello, world!"], references = ["東京は雨。", "Hello world!"]
        let char = try Scoring.bleu(hypotheses: hypotheses, references: references, tokenization: .char)
        let none = try Scoring.bleu(hypotheses: hypotheses, references: references, tokenization: .none)
        XCTAssertEqual(char.hypothesisLength, 6 + 12, "every character but the space a word")
        XCTAssertEqual(none.hypothesisLength, 1 + 2, "white space only")
        XCTAssertTrue(char.signature.contains("tok:char"), char.signature)
        XCTAssertEqual(Scoring.Tokenization.forTarget(language: "zh-Hans"), .zh)
        XCTAssertEqual(Scoring.Tokenization.forTarget(language: "ja"), .char)
        XCTAssertEqual(Scoring.Tokenization.forTarget(language: nil), .thirteenA)
    }

    func testUnalignedInputsAreAnError() {
        XCTAssertThrowsError(try Scoring.chrF(hypotheses: ["a"], references: ["a", "b"])) { error in
            XCTAssertEqual(error as? S2SError, .input(file: "hypotheses", line: nil,
                                                      problem: "has 1 lines but the references have 2",
                                                      hint: "Hypotheses and references must be aligned line by line"))
            XCTAssertEqual("\(error)", "hypotheses: has 1 lines but the references have 2. Hypotheses and references must be aligned line by line")
        }
    }

    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
