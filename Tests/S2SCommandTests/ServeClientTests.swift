import _S2STestSupport
import Foundation
import XCTest

/// s2s-serve through the clients people already use against LibreTranslate:
/// the `libretranslatepy` client (form fields in the body) and
/// deep-translator's `LibreTranslator` (fields in the URL's query), run from
/// the venv tools/test.sh makes (S2S_CLIENTS_PYTHON). Skipped, visibly,
/// without it.
final class ServeClientTests: XCTestCase {
    func testLibreTranslateClientsGetTranslations() throws {
        guard let python = ProcessInfo.processInfo.environment["S2S_CLIENTS_PYTHON"],
              FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("S2S_CLIENTS_PYTHON is not set: tools/test.sh makes a venv with libretranslatepy and deep-translator")
        }
        let model = TranslateCommandTests.folder.appendingPathComponent("models/toy").path
        let server = try ServerProcess("s2s-serve", ["--model", model, "--source-lang", "en", "--target-lang", "es", "--threads", "1"])
        let script = TestPaths.fixture("serve/libretranslate_clients.py").path
        let r = try Command.runTool(python, [script, String(server.port)])
        XCTAssertEqual(r.status, 0, r.stderr)
        let got = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(got?["libretranslatepy"] as? String, "di ce ba", r.stdout)
        XCTAssertEqual(got?["deep_translator"] as? String, "gu fo", r.stdout)
        XCTAssertEqual(got?["deep_translator_batch"] as? [String], ["di ce ba", "gu fo"], r.stdout)
        let languages = got?["libretranslatepy_languages"] as? [[String: Any]]
        XCTAssertEqual(languages?.compactMap { $0["code"] as? String }, ["en", "es"])
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }
}
