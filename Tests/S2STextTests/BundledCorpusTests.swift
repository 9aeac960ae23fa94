import _S2STestSupport
import S2SText
import XCTest

/// Reversibility on real text: every line of the bundled Bible corpus (both
/// languages, every split) detokenises back to its normalised form.
final class BundledCorpusTests: XCTestCase {
    func testEveryLineRoundTrips() throws {
        let corpus = TestPaths.packageRoot.appendingPathComponent("corpora/bible-en-es")
        let tokenizer = Tokenizer()
        let session = try Tokenizer.Session(tokenizer)
        var lines = 0, failures = 0
        for split in ["train", "valid", "test"] {
            for side in ["src", "tgt"] {
                let path = corpus.appendingPathComponent("\(split).\(side)").path
                for (k, line) in try LineReader.lines(ofFile: path).enumerated() {
                    lines += 1
                    let tokens = try session.tokenize(line)
                    let expected = try tokenizer.normalizer.normalize(line)
                    if Tokenizer.detokenize(tokens) != expected {
                        failures += 1
                        if failures <= 3 { XCTFail("\(path):\(k + 1): '\(line)' -> \(tokens)") }
                    }
                }
            }
        }
        XCTAssertEqual(failures, 0)
        XCTAssertGreaterThan(lines, 60_000, "the bundled corpus has about 31,000 pairs")
    }
}
