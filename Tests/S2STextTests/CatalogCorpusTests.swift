import _S2STestSupport
import Foundation
import S2SText
import XCTest

/// Reversibility in every script the catalog corpora bring (German, Russian,
/// Chinese and Japanese from Debian's translation catalogs, built by
/// tools/corpus/build-catalogs.sh, which tools/test.sh runs): every line of
/// every split detokenises back to its normalised form, format directives,
/// markup and the `\n` escapes included.
final class CatalogCorpusTests: XCTestCase {
    static let languages = ["de", "ru", "zh_CN", "ja"]

    func testEveryLineRoundTrips() throws {
        let root = TestPaths.packageRoot.appendingPathComponent("corpora")
        let built = Self.languages.filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("catalogs-en-\($0)/test.tgt").path)
        }
        if built.isEmpty {
            throw XCTSkip("the catalog corpora are not built (tools/corpus/build-catalogs.sh; tools/test.sh builds them)")
        }
        XCTAssertEqual(built, Self.languages, "tools/test.sh builds all four")
        for language in built {
            let (lines, failures) = try RoundTrip.check(files: RoundTrip.corpusFiles(root.appendingPathComponent("catalogs-en-\(language)")))
            XCTAssertEqual(failures, 0, language)
            XCTAssertGreaterThan(lines, 70_000, "\(language): every catalog corpus has over 35,000 pairs")
        }
    }
}
