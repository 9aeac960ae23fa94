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
        let tokenizer = Tokenizer()
        let session = try Tokenizer.Session(tokenizer)
        for language in built {
            var lines = 0, failures = 0
            for split in ["train", "valid", "test"] {
                for side in ["src", "tgt"] {
                    let path = root.appendingPathComponent("catalogs-en-\(language)/\(split).\(side)").path
                    for (k, line) in try LineReader.lines(ofFile: path).enumerated() {
                        lines += 1
                        let tokens = try session.tokenize(line)
                        if Tokenizer.detokenize(tokens) != (try tokenizer.normalizer.normalize(line)) {
                            failures += 1
                            if failures <= 3 { XCTFail("\(path):\(k + 1): '\(line)' -> \(tokens)") }
                        }
                    }
                }
            }
            XCTAssertEqual(failures, 0, language)
            XCTAssertGreaterThan(lines, 70_000, "\(language): every catalog corpus has over 35,000 pairs")
        }
    }
}
