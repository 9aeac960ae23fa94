import _S2STestSupport
import Foundation
import XCTest

final class ScoreCommandTests: XCTestCase {
    /// The fixture's expected lines come from sacreBLEU 2.6.0 itself.
    func testPrintsSacreBLEUsLines() throws {
        let dir = TestPaths.fixture("metrics")
        let hyp = try String(contentsOf: dir.appendingPathComponent("hyp.txt"), encoding: .utf8)
        let r = try Command.run("s2s-score", ["--ref", dir.appendingPathComponent("ref.txt").path], stdin: hyp)
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(
            with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: Any])
        XCTAssertTrue(r.stdout.hasPrefix(try XCTUnwrap(expected["bleu_text"] as? String)), r.stdout)
        XCTAssertTrue(r.stdout.contains(try XCTUnwrap(expected["chrf_text"] as? String)), r.stdout)
        XCTAssertTrue(r.stdout.contains("tok:13a|smooth:exp"), r.stdout)
    }

    func testLineCountMismatch() throws {
        let dir = TestPaths.fixture("metrics")
        let r = try Command.run("s2s-score", ["--ref", dir.appendingPathComponent("ref.txt").path], stdin: "one line\n")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("stdin: has 1 lines but"), r.stderr)
    }
}
