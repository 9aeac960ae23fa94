import S2SCore
import S2SText
import XCTest

final class BPETests: XCTestCase {
    /// Sennrich et al.'s example, merged by hand (see the comments): pair
    /// counts are updated after each merge; ties go to the larger pair in
    /// code-point order, as subword-nmt's max((count, pair)).
    func testLearnOnTheClassicExample() {
        let counts = ["low": 5, "lower": 2, "newest": 6, "widest": 3]
        let codes = BPELearner.learn(wordCounts: counts, merges: 10)
        let expected: [(String, String)] = [
            ("s", "t</w>"),     // 9, ties with (e s) 9; "s" > "e"
            ("e", "st</w>"),    // 9
            ("l", "o"),         // 7
            ("w", "est</w>"),   // 6, ties with (n e), (e w); "w" is largest
            ("n", "e"),         // 6, ties with (e west</w>); "n" > "e"
            ("ne", "west</w>"), // 6
            ("lo", "w</w>"),    // 5
            ("w", "i"),         // 3, ties with (i d), (d est</w>)
            ("wi", "d"),        // 3
            ("wid", "est</w>"), // 3
        ]
        XCTAssertEqual(codes.merges.count, expected.count)
        for (got, want) in zip(codes.merges, expected) {
            XCTAssertEqual(got.0, want.0)
            XCTAssertEqual(got.1, want.1)
        }
    }

    func testLearningStopsBelowMinimumFrequency() {
        // After 13 merges every word is one symbol: nothing left to merge.
        let counts = ["low": 5, "lower": 2, "newest": 6, "widest": 3]
        XCTAssertEqual(BPELearner.learn(wordCounts: counts, merges: 100, minFrequency: 1).merges.count, 13)
        // Pairs that occur only twice (in "lower") are not merged at minimum 3.
        XCTAssertEqual(BPELearner.learn(wordCounts: counts, merges: 100, minFrequency: 3).merges.count, 10)
    }

    /// A merge count far above what the words allow learns every merge there
    /// is and stops: the count used to size an array (Int.max: heap
    /// corruption; 10^9: a 32 GB allocation).
    func testAHugeMergeCountStopsWhenNoPairIsLeft() {
        let counts = ["low": 5, "lower": 2, "newest": 6, "widest": 3]
        let all = BPELearner.learn(wordCounts: counts, merges: 14, minFrequency: 1).merges
        XCTAssertEqual(all.count, 13)
        for merges in [Int.max, 1_000_000_000] {
            let codes = BPELearner.learn(wordCounts: counts, merges: merges, minFrequency: 1).merges
            XCTAssertEqual(codes.map(\.0), all.map(\.0), "\(merges)")
            XCTAssertEqual(codes.map(\.1), all.map(\.1), "\(merges)")
        }
    }

    func testApplyFollowsMergeRanks() {
        let codes = BPELearner.learn(wordCounts: ["low": 5, "lower": 2, "newest": 6, "widest": 3], merges: 10)
        let bpe = BPE(codes: codes)
        // l o w e s t</w> -> l o w e st</w> -> l o w est</w> -> lo w est</w> -> lo west</w>
        XCTAssertEqual(bpe.segment("lowest"), ["lo@@", "west"])
        // n e w e r</w>: only (n e) is a merge.
        XCTAssertEqual(bpe.segment("newer"), ["ne@@", "w@@", "e@@", "r"])
        XCTAssertEqual(bpe.segment("low"), ["low"])
        XCTAssertEqual(bpe.segment("x"), ["x"])
        XCTAssertEqual(bpe.segment(tokens: ["low", "newest"]), ["low", "newest"])
    }

    func testJoinUndoesSegmentation() {
        let codes = BPELearner.learn(wordCounts: ["low": 5, "lower": 2, "newest": 6, "widest": 3], merges: 10)
        let bpe = BPE(codes: codes)
        let words = ["lowest", "newer", "￭,", "wider", "ö"]
        XCTAssertEqual(BPE.join(bpe.segment(tokens: words)), words)
    }

    func testCodesFileRoundTrip() throws {
        let codes = BPECodes(merges: [("a", "b"), ("ab", "c</w>"), ("￭", ",</w>")])
        XCTAssertEqual(codes.fileText, "#version: 0.2\na b\nab c</w>\n￭ ,</w>\n")
        XCTAssertEqual(try BPECodes(fileText: codes.fileText, path: "x"), codes)
    }

    func testBadCodesFileNamesTheLine() {
        XCTAssertThrowsError(try BPECodes(fileText: "#version: 0.2\na b\nabc\n", path: "bpe.codes")) { error in
            XCTAssertTrue("\(error)".hasPrefix("bpe.codes:3: expected a merge 'LEFT RIGHT', found 'abc'"), "\(error)")
        }
    }

    /// Scalars, not grapheme clusters, are BPE's characters (as in Python).
    func testCharactersAreUnicodeScalars() {
        let codes = BPELearner.learn(wordCounts: ["e\u{301}": 3], merges: 5)
        XCTAssertEqual(codes.merges.count, 1)
        XCTAssertEqual(codes.merges[0].0, "e")
        XCTAssertEqual(codes.merges[0].1, "\u{301}</w>")
    }

    func testLearningIsDeterministic() {
        var rng = SplitMix64(seed: 7)
        var counts: [String: Int] = [:]
        for _ in 0..<500 {
            let word = String((0..<(1 + rng.nextInt(below: 8))).map { _ in "abcde".randomElement(using: &rng)! })
            counts[word, default: 0] += 1 + rng.nextInt(below: 5)
        }
        let a = BPELearner.learn(wordCounts: counts, merges: 50)
        let b = BPELearner.learn(wordCounts: counts, merges: 50)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.merges.count, 50)
    }
}
