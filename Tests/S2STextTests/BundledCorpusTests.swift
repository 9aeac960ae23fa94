import _S2STestSupport
import S2SText
import XCTest

/// Reversibility on real text: every line of the bundled Bible corpus (both
/// languages, every split) detokenises back to its normalised form.
final class BundledCorpusTests: XCTestCase {
    func testEveryLineRoundTrips() throws {
        let corpus = TestPaths.packageRoot.appendingPathComponent("corpora/bible-en-es")
        let (lines, failures) = try RoundTrip.check(files: RoundTrip.corpusFiles(corpus))
        XCTAssertEqual(failures, 0)
        XCTAssertGreaterThan(lines, 60_000, "the bundled corpus has about 31,000 pairs")
    }
}
