import Foundation
import S2SMetrics
import S2STraining
import XCTest

/// Validation BLEU uses the tokenisation s2s-score chooses for the run's
/// target language (prep.json, copied into the model folder).
final class ValidationBLEUTests: XCTestCase {
    func testTheTargetLanguageChoosesTheTokenization() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("s2s-valid-bleu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = ModelFolder(path: dir.path)
        XCTAssertEqual(folder.bleuTokenizer, .thirteenA, "no prep.json")
        for (language, tokenizer) in [("zh", BLEUTokenizer.zh), ("ja", .char), ("es", .thirteenA)] {
            try Data(#"{"name": "x", "target_language": "\#(language)"}"#.utf8).write(to: dir.appendingPathComponent("prep.json"))
            XCTAssertEqual(folder.bleuTokenizer, tokenizer, language)
        }
    }
}
