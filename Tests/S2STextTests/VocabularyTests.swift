import S2SCore
import S2SText
import XCTest

final class VocabularyTests: XCTestCase {
    func testBuilderOrdersByCountThenCodePoint() {
        var builder = VocabularyBuilder()
        builder.add(["b", "a", "c", "b", "a", "b", "é", "Z"])
        let v = builder.build()
        XCTAssertEqual(v.tokens, ["<pad>", "<unk>", "<s>", "<EOS>", "b", "a", "Z", "c", "é"])
        XCTAssertEqual(v.counts, [0, 0, 0, 0, 3, 2, 1, 1, 1])
        XCTAssertEqual(v.id("b"), 4)
        XCTAssertEqual(v.id("never seen"), SpecialTokens.unk)
        XCTAssertEqual(v.token(3), "<EOS>")
    }

    func testMinCountAndMaxSize() {
        var builder = VocabularyBuilder()
        builder.add(["a", "a", "a", "b", "b", "c"])
        XCTAssertEqual(builder.build(minCount: 2).tokens.dropFirst(4), ["a", "b"])
        XCTAssertEqual(builder.build(maxSize: 5).tokens.dropFirst(4), ["a"])
    }

    func testFileRoundTrip() throws {
        var builder = VocabularyBuilder()
        builder.add(["hola", "￭,", "mundo", "hola", "東京"])
        let v = builder.build()
        XCTAssertEqual(v.fileText.split(separator: "\n").first, "<pad>\t0")
        let back = try Vocabulary(fileText: v.fileText, path: "v")
        XCTAssertEqual(back, v)
        XCTAssertEqual(back.hash, v.hash)
    }

    func testHashDependsOnTokensAndOrder() {
        let a = Vocabulary(tokens: ["x", "y"], counts: [2, 1])
        let b = Vocabulary(tokens: ["y", "x"], counts: [2, 1])
        let c = Vocabulary(tokens: ["x", "y"], counts: [9, 9])
        XCTAssertNotEqual(a.hash, b.hash)
        XCTAssertEqual(a.hash, c.hash, "counts do not change ids, so not the hash")
    }

    func testBadFilesNameTheLine() {
        let cases: [(String, String)] = [
            ("<pad>\t0\n<unk>\t0\n<s>\t0\n<EOS>\t0\nx 3\n", "src.vocab:5: expected 'TOKEN<TAB>COUNT', found 'x 3'"),
            ("<pad>\t0\n<s>\t0\n", "src.vocab:2: expected the special token <unk> at id 1, found '<s>'"),
            ("<pad>\t0\n<unk>\t0\n<s>\t0\n<EOS>\t0\nx\t1\nx\t1\n", "src.vocab:6: token 'x' appears twice"),
            ("<pad>\t0\n", "src.vocab: has 1 entries, fewer than the 4 special tokens"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try Vocabulary(fileText: text, path: "src.vocab")) { error in
                XCTAssertTrue("\(error)".hasPrefix(message), "\(error)")
            }
        }
    }
}
