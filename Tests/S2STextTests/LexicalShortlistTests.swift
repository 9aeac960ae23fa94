import _S2STestSupport
import S2SCore
import S2SText
import XCTest

final class LexicalShortlistTests: XCTestCase {
    // Source ids 4 = "house", 5 = "the", 6 = "red"; target 4 = "casa", 5 = "la", 6 = "roja", 7 = "el".
    let source = Vocabulary(tokens: ["house", "the", "red"], counts: [3, 4, 2])
    let target = Vocabulary(tokens: ["casa", "la", "roja", "el"], counts: [3, 3, 2, 2])
    var pairs: [(source: [Int32], target: [Int32])] {
        [([5, 4], [5, 4]),            // the house / la casa
         ([5, 6, 4], [5, 4, 6]),      // the red house / la casa roja
         ([5, 4, 4], [5, 4, 4]),      // repeated tokens count once per pair
         ([5], [7])]                  // the / el
    }

    /// Dice over pairs (c: pairs holding it): house–casa 2·3/(3+3) = 1,
    /// house–la 2·3/(3+3) = 1 (a tie: the smaller id first), house–roja
    /// 2·1/(3+1) = 0.5; the–casa = the–la = 2·3/(4+3), the–roja = the–el =
    /// 2·1/(4+1); red–roja 2·1/(1+1) = 1, red–casa = red–la = 0.5.
    func testRanksByDice() {
        let s = LexicalShortlist.build(pairs: pairs, source: source, target: target)
        XCTAssertEqual(s.lists.count, 7)
        XCTAssertEqual(s.lists[4], [4, 5, 6])
        XCTAssertEqual(s.lists[5], [4, 5, 6, 7])
        XCTAssertEqual(s.lists[6], [6, 4, 5])
        XCTAssertEqual(s.lists[0], [])
        XCTAssertEqual(s.frequent, [4, 5, 6, 7])  // casa and la in 3 pairs, roja and el in 1
        XCTAssertEqual(LexicalShortlist.build(pairs: pairs, source: source, target: target, keep: 1).lists[5], [4])
    }

    func testCandidatesAreTheUnionWithSpecialsAscending() {
        let s = LexicalShortlist.build(pairs: pairs, source: source, target: target)
        XCTAssertEqual(s.candidates(for: [[6]], k: 1, frequent: 0), [1, 3, 6])
        XCTAssertEqual(s.candidates(for: [[6], [4]], k: 1, frequent: 1), [1, 3, 4, 6])
        XCTAssertEqual(s.candidates(for: [[5]], k: 10, frequent: 0), [1, 3, 4, 5, 6, 7])
    }

    func testFileRoundTripsAndIsChecked() throws {
        let s = LexicalShortlist.build(pairs: pairs, source: source, target: target)
        XCTAssertEqual(try LexicalShortlist(fileText: s.fileText, path: "s.tsv", source: source, target: target), s)
        func fails(_ text: String, _ message: String, line: UInt = #line) {
            XCTAssertThrowsError(try LexicalShortlist(fileText: text, path: "s.tsv", source: source, target: target),
                                 line: line) { XCTAssertTrue("\($0)".hasPrefix(message), "\($0)", line: line) }
        }
        let lines = s.fileText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        fails("", "s.tsv: is not a shortlist file (fewer than 2 lines)")
        fails("hello\nworld\n", "s.tsv:1: is not a shortlist file (no #s2s-shortlist header)")
        fails(s.fileText.replacingOccurrences(of: "#s2s-shortlist 1", with: "#s2s-shortlist 2"),
              "s.tsv:1: has shortlist format version 2")
        let other = Vocabulary(tokens: ["casa", "la", "roja", "los"], counts: [3, 3, 2, 2])
        XCTAssertThrowsError(try LexicalShortlist(fileText: s.fileText, path: "s.tsv", source: source, target: other)) {
            XCTAssertTrue("\($0)".hasPrefix("s.tsv:1: was made with other vocabularies than the model's"), "\($0)")
        }
        var bad = lines; bad[6] = "4 9"
        fails(bad.joined(separator: "\n"), "s.tsv:7: has '9', not a target id below 8")
        bad = lines; bad[1] = "#frequent x"
        fails(bad.joined(separator: "\n"), "s.tsv:2: has 'x', not a target id below 8")
        fails(lines.dropLast(2).joined(separator: "\n") + "\n", "s.tsv: has 6 lists for 7 source tokens")
    }
}
