import S2SText
import XCTest

final class NormalizerTests: XCTestCase {
    func testNFKCFoldsCompatibilityForms() throws {
        let n = TextNormalizer(.nfkc)
        XCTAssertEqual(try n.normalize("ﬁne ＡＢＣ １２３"), "fine ABC 123")
        XCTAssertEqual(try n.normalize("e\u{301}"), "é")  // composes
        XCTAssertEqual(try n.normalize("x\u{00A0}\u{00A0}y"), "x y")  // NBSP becomes a space, collapsed
    }

    func testNFCKeepsCompatibilityCharacters() throws {
        let n = TextNormalizer(.nfc)
        XCTAssertEqual(try n.normalize("ﬁne ＡＢＣ"), "ﬁne ＡＢＣ")
        XCTAssertEqual(try n.normalize("e\u{301}").unicodeScalars.count, 1)
    }

    func testNoneLeavesScalarsAlone() throws {
        let n = TextNormalizer(.none)
        XCTAssertEqual(Array(try n.normalize("e\u{301}").unicodeScalars), ["e", "\u{301}"])
    }

    func testControlsRemovedAndWhitespaceCollapsed() throws {
        for form in Normalization.allCases {
            let n = TextNormalizer(form)
            XCTAssertEqual(try n.normalize("  a\tb \u{0007}c\u{2003}\u{3000} d\r\n"), "a b c d", "\(form)")
            XCTAssertEqual(try n.normalize(" \t "), "", "\(form)")
            XCTAssertEqual(try n.normalize(""), "", "\(form)")
        }
    }

    func testJoinerCharacterNeverSurvives() throws {
        // U+FFED is the tokeniser's joiner; in text it becomes U+25A0 in every mode.
        for form in Normalization.allCases {
            XCTAssertEqual(try TextNormalizer(form).normalize("a\u{FFED}b"), "a\u{25A0}b", "\(form)")
        }
    }
}
