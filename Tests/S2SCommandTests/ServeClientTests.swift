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
        // What s2s-translate makes of the clients' two lines, with the same defaults.
        let reference = try Command.run("s2s-translate", ["--model", model, "--threads", "1"], stdin: "ba ce di\nfo gu\n")
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let expected = reference.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(expected.count, 2)
        XCTAssertEqual(got?["libretranslatepy"] as? String, expected.first, r.stdout)
        XCTAssertEqual(got?["deep_translator"] as? String, expected.last, r.stdout)
        XCTAssertEqual(got?["deep_translator_batch"] as? [String], expected, r.stdout)
        let languages = got?["libretranslatepy_languages"] as? [[String: Any]]
        XCTAssertEqual(languages?.compactMap { $0["code"] as? String }, ["en", "es"])
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }
}
