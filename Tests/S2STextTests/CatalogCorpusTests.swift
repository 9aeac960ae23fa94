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

    static let root = TestPaths.packageRoot.appendingPathComponent("corpora")

    /// The languages whose corpus is built; skips the test where none is.
    func builtCorpora() throws -> [String] {
        let built = Self.languages.filter {
            FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("catalogs-en-\($0)/test.tgt").path)
        }
        if built.isEmpty {
            throw XCTSkip("the catalog corpora are not built (tools/corpus/build-catalogs.sh; tools/test.sh builds them)")
        }
        return built
    }

    func testEveryLineRoundTrips() throws {
        let root = Self.root
        let built = try builtCorpora()
        XCTAssertEqual(built, Self.languages, "tools/test.sh builds all four")
        for language in built {
            let (lines, failures) = try RoundTrip.check(files: RoundTrip.corpusFiles(root.appendingPathComponent("catalogs-en-\(language)")))
            XCTAssertEqual(failures, 0, language)
            XCTAssertGreaterThan(lines, 70_000, "\(language): every catalog corpus has over 35,000 pairs")
        }
    }

    /// ICU's segmentation and joint BPE fit every script: prepared with the
    /// defaults, each corpus's test split has under 3% unknown subwords on
    /// either side, and the target's subwords per sentence stay within 0.5
    /// to 2.5 times the English source's (Chinese and Japanese neither one
    /// token a sentence nor a character a token). Measured 2026-12-07:
    /// unknown rates 0.3–1.1%, target/source 1.05 (zh_CN) to 1.25 (ja).
    func testBPEAndTheVocabularyFitEveryScript() throws {
        for language in try builtCorpora() {
            let corpus = Self.root.appendingPathComponent("catalogs-en-\(language)")
            let out = TestPaths.temporaryFolder("s2s-catalog-prep")
            let splits = ["train", "valid", "test"].map {
                (name: $0, source: corpus.appendingPathComponent("\($0).src").path,
                 target: corpus.appendingPathComponent("\($0).tgt").path)
            }
            let options = Preparation.Options(name: language, splits: splits, vocabFolder: out.appendingPathComponent("vocab").path,
                                              dataFolder: out.appendingPathComponent("data").path)
            let manifest = try Preparation(options: options).run()
            let test = try XCTUnwrap(manifest.splits["test"])
            let (source, target) = (try XCTUnwrap(test.sourceSubwordsPerSentence), try XCTUnwrap(test.targetSubwordsPerSentence))
            XCTAssertLessThan(try XCTUnwrap(test.sourceUnknownRate), 0.03, language)
            XCTAssertLessThan(try XCTUnwrap(test.targetUnknownRate), 0.03, language)
            XCTAssertGreaterThan(target / source, 0.5, "\(language): \(target) subwords a sentence against \(source)")
            XCTAssertLessThan(target / source, 2.5, "\(language): \(target) subwords a sentence against \(source)")
            XCTAssertEqual(Double(test.targetTokens) / Double(test.pairs), target, accuracy: 0.005, language)
        }
    }
}
