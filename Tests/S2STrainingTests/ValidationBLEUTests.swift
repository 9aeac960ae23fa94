import _S2STestSupport
import Foundation
import S2SCore
import S2SMetrics
import S2STraining
import S2SText
import XCTest

/// Validation BLEU uses the tokenisation s2s-score chooses for the run's
/// target language (prep.json, copied into the model folder).
final class ValidationBLEUTests: XCTestCase {
    func testTheTargetLanguageChoosesTheTokenization() throws {
        let dir = TestPaths.temporaryFolder("s2s-valid-bleu")
        let folder = ModelFolder(path: dir.path)
        XCTAssertEqual(folder.bleuTokenizer, .thirteenA, "no prep.json")
        var manifest = try PrepManifest(json: Data(contentsOf: TestPaths.fixture("fuzz/prep/seed-prep.json")))
        for (language, tokenizer) in [("zh", BLEUTokenizer.zh), ("ja", .char), ("es", .thirteenA)] {
            manifest.targetLanguage = language
            try AtomicFile.write(try StableJSON.encode(manifest), to: folder.prepPath)
            XCTAssertEqual(folder.bleuTokenizer, tokenizer, language)
        }
        try AtomicFile.write(text: #"{"name": "x", "target_language": "zh"}"#, to: folder.prepPath)
        XCTAssertEqual(folder.bleuTokenizer, .thirteenA, "not a prep.json s2s-prep wrote")
    }
}
