import _S2STestSupport
import Foundation
import S2SCore
import S2SText
import XCTest

/// What each fuzzing finding (Tests/Fixtures/fuzz/*/finding-*) showed,
/// checked directly: FuzzReplayTests replays the inputs themselves.
final class FuzzFindingTests: XCTestCase {
    func finding(_ target: String, _ name: String) -> String {
        TestPaths.fixture("fuzz").appendingPathComponent(target).appendingPathComponent(name).path
    }

    func scalars(_ strings: [String]) -> [[UInt32]] { strings.map { $0.unicodeScalars.map(\.value) } }

    /// shard/finding-size-beyond-int: a pair count near 2^64 made the size
    /// message convert a Double past Int.max, which traps.
    func testShardWithAHugeCountIsAnError() {
        let path = finding("shard", "finding-size-beyond-int")
        XCTAssertThrowsError(try TokenShard(path: path)) { error in
            XCTAssertEqual((error as? InputError)?.file, path)
            XCTAssertTrue("\(error)".contains("but its header describes more than \(Int.max)"), "\(error)")
            XCTAssertTrue("\(error)".contains("truncated or corrupt"), "\(error)")
        }
    }

    /// bpe-codes/finding-merge-part-starting-with-zwnj: a merge whose right
    /// part begins with a mark that clusters with the space before it
    /// (U+200C here; any combining mark, as BPE learns from "q\u{303}") was
    /// written but could not be read back: the line was split as Characters.
    func testCodesWithAPartStartingWithAMarkReadBack() throws {
        let codes = BPECodes(merges: [("w", "\u{200C}"), ("q", "\u{303}</w>"), ("क", "ि</w>")])
        let again = try BPECodes(fileText: codes.fileText, path: "bpe.codes")
        XCTAssertEqual(again.merges.map { scalars([$0.0, $0.1]) }, codes.merges.map { scalars([$0.0, $0.1]) })
        // Codes BPELearner learns from a combining mark it cannot compose.
        let learned = BPELearner.learn(wordCounts: ["q\u{303}": 3], merges: 5)
        XCTAssertEqual(try BPECodes(fileText: learned.fileText, path: "bpe.codes"), learned)
    }

    /// Read as scalars, a CRLF codes file keeps no CR in its symbols.
    func testCodesFileWithCRLFEndings() throws {
        let codes = try BPECodes(fileText: "#version: 0.2\r\na b\r\nab c</w>\r\n", path: "bpe.codes")
        XCTAssertEqual(codes, BPECodes(merges: [("a", "b"), ("ab", "c</w>")]))
    }

    /// Not from the fuzzer but from writing the vocabulary target's
    /// properties: lines were split as Characters, so a CRLF file was one
    /// line (its error quoted the whole file) and "a\r\nb" was one token.
    func testVocabularyLinesEndAtEachLineFeed() throws {
        let lf = "<pad>\t0\n<unk>\t0\n<s>\t0\n<EOS>\t0\nthe\t5\n"
        let crlf = try Vocabulary(fileText: lf.replacingOccurrences(of: "\n", with: "\r\n"), path: "src.vocab")
        XCTAssertEqual(crlf, try Vocabulary(fileText: lf, path: "src.vocab"))
        XCTAssertThrowsError(try Vocabulary(fileText: lf + "a\r\nb\t1\n", path: "src.vocab")) { error in
            XCTAssertEqual("\(error)", "src.vocab:6: expected 'TOKEN<TAB>COUNT', found 'a'. "
                + "Vocabulary files are written by s2s-prep; re-run it rather than editing by hand")
        }
    }

    /// tokenize/finding-bpe-equivalent-symbols: BPE's symbols were keyed by
    /// String, whose == is canonical equivalence, so "à" (U+00E0) took the
    /// merged symbol "a\u{300}" and came out decomposed.
    func testBPEKeepsTheScalarsOfTheWord() {
        let bpe = BPE(codes: BPECodes(merges: [("a", "\u{300}</w>")]))
        XCTAssertEqual(scalars(bpe.segment("P\u{E0}")), scalars(["P@@", "\u{E0}"]))
        XCTAssertEqual(scalars(bpe.segment("Pa\u{300}")), scalars(["P@@", "a\u{300}"]))
        // The cache must not answer for the equivalent word either.
        XCTAssertEqual(scalars(bpe.segment("P\u{E0}")), scalars(["P@@", "\u{E0}"]))
    }

    /// A prepended concatenation mark (U+0600) clusters with the "<" of
    /// "</w>" and with the "@" of "@@": dropping either as Characters lost it.
    func testBPEWordEndingInAPrependMark() {
        let bpe = BPE(codes: BPECodes(merges: []))
        let pieces = bpe.segment("a\u{600}")
        XCTAssertEqual(scalars(pieces), scalars(["a@@", "\u{600}"]))
        XCTAssertEqual(scalars(BPE.join(bpe.segment(tokens: ["\u{600}b", "a\u{600}"]))), scalars(["\u{600}b", "a\u{600}"]))
        XCTAssertEqual(bpe.segment(""), [])
    }
}
