import _S2STestSupport
import Foundation
import XCTest

/// The commands with their standard streams closed or full: a closed
/// standard input is an error naming it, a warning that cannot be written
/// does not stop the work, and no file of the project's is opened as
/// descriptor 0–2 (which would receive the command's log).
final class StandardStreamsTests: XCTestCase {
    let bin = Command.binDirectory.path

    func shell(_ script: String, in dir: URL? = nil) throws -> Command.Result {
        let cd = dir.map { "cd '\($0.path)' && " } ?? ""
        return try Command.runTool("/bin/bash", ["-c", cd + script])
    }

    func testAClosedStandardInputIsNamed() throws {
        let ref = TestPaths.fixture("toy-reverse/test.tgt").path
        let score = try shell("'\(bin)/s2s-score' --ref '\(ref)' <&-")
        XCTAssertEqual(score.status, 1, score.stderr)
        XCTAssertTrue(score.stderr.contains("standard input: is closed. Pipe the translations in"), score.stderr)
        XCTAssertFalse(score.stderr.contains("Fatal error"), score.stderr)
        // Standard input that cannot be read (a folder) is an error too, not a trap.
        let folder = try shell("'\(bin)/s2s-score' --ref '\(ref)' < /")
        XCTAssertEqual(folder.status, 1, folder.stderr)
        XCTAssertTrue(folder.stderr.contains("standard input: could not read: Is a directory"), folder.stderr)
    }

    func testWarningsToAFullStandardErrorDoNotStopATranslation() throws {
        let dir = try Command.prepared("s2s-streams")
        let train = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/toy",
                                                  "--threads", "1", "--preset", "tiny", "--max-steps", "2"], in: dir)
        XCTAssertEqual(train.status, 0, train.stderr)
        let closedInput = try shell("'\(bin)/s2s-translate' --model models/toy <&-", in: dir)
        XCTAssertEqual(closedInput.status, 1, closedInput.stderr)
        XCTAssertTrue(closedInput.stderr.contains("standard input: is closed. Pipe the text in"), closedInput.stderr)

        // 200 lines, every tenth not UTF-8: each of those warns on standard error.
        var input = Data()
        for k in 1...200 { input.append(contentsOf: k % 10 == 5 ? [0x62, 0x61, 0xFF, 0x0A] : Array("ba ce\n".utf8)) }
        let file = dir.appendingPathComponent("bad.txt")
        try input.write(to: file)
        for redirection in ["2>/dev/full", "2>&-"] {
            let r = try shell("'\(bin)/s2s-translate' --model models/toy --threads 1 --skip-bad-lines < bad.txt \(redirection)", in: dir)
            XCTAssertEqual(r.status, 0, "\(redirection): \(r.stderr)")
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            XCTAssertEqual(lines.count, 200, redirection)
            XCTAssertEqual(lines[4], "", redirection)  // line 5: the bad one, an empty line
        }
    }

    func testAClosedStandardErrorIsNotReusedForTheLockFile() throws {
        let dir = TestPaths.temporaryFolder("s2s-streams-prep")
        let corpus = TestPaths.fixture("toy-reverse").path
        let prep = try shell("'\(bin)/s2s-prep' --corpus '\(corpus)' --name toy 2>&-", in: dir)
        XCTAssertEqual(prep.status, 0, prep.stderr)
        for folder in ["vocab/toy", "data/toy"] {
            let lock = dir.appendingPathComponent(folder + "/.lock").path
            let text = FileManager.default.contents(atPath: lock).map { String(decoding: $0, as: UTF8.self) } ?? ""
            XCTAssertFalse(text.contains("s2s-prep"), "\(folder)/.lock holds the log: \(text.prefix(200))")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("vocab/toy/prep.json").path))
    }
}
