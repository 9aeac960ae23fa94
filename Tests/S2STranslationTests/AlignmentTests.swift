import S2STranslation
import XCTest

/// Alignments from attention rows: the argmax position, or in a pyramidal
/// encoder every position of the memory position with the most weight.
final class AlignmentTests: XCTestCase {
    func testOnePositionPerMemoryPosition() {
        // Source of 3 tokens + <EOS> (position 3).
        let rows: [[Float]] = [[0.1, 0.6, 0.2, 0.1], [0.1, 0.1, 0.1, 0.7]]
        XCTAssertEqual(Translator.alignedSpans(rows, coverage: 1, sourceLength: 3), [[1], []], "<EOS> aligns to nothing")
    }

    /// A pyramid of coverage 2 over 4 tokens + <EOS>: memory positions
    /// (0, 1), (2, 3), (4). The row shares each memory weight among the
    /// positions it covers, so <EOS> alone shows 0.3 against 0.2 + 0.2 at
    /// (2, 3): the shared row's argmax would be <EOS>, the memory's is (2, 3).
    func testAPyramidAlignsToTheMemoryPositionWithTheMostWeight() {
        let rows: [[Float]] = [[0.15, 0.15, 0.2, 0.2, 0.3], [0.05, 0.05, 0.05, 0.05, 0.8], [0.3, 0.3, 0.1, 0.1, 0.2]]
        XCTAssertEqual(Translator.alignedSpans(rows, coverage: 2, sourceLength: 4), [[2, 3], [], [0, 1]])
        // An odd source: (0, 1), (2, 3 = <EOS>).
        XCTAssertEqual(Translator.alignedSpans([[0.2, 0.2, 0.35, 0.25]], coverage: 2, sourceLength: 3), [[2]])
    }
}
