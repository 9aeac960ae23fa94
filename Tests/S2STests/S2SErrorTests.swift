import _S2STestSupport
import Foundation
import S2S
import XCTest

/// An error prints as the commands print it: `FILE:LINE: problem. hint`.
final class S2SErrorTests: XCTestCase {
    func testDescriptionNamesThePlaceTheProblemAndTheHint() {
        let line = S2SError.input(file: "in.txt", line: 3, problem: "invalid UTF-8 (byte 0xFF at byte 2 of the line)",
                                  hint: "Convert the file to UTF-8")
        XCTAssertEqual(line.description, "in.txt:3: invalid UTF-8 (byte 0xFF at byte 2 of the line). Convert the file to UTF-8")
        XCTAssertEqual(line.file, "in.txt")
        XCTAssertEqual(line.line, 3)
        let file = S2SError.file(path: "out/model.safetensors", problem: "could not write: No space left on device", hint: "", errno: 28)
        XCTAssertEqual(file.description, "out/model.safetensors: could not write: No space left on device")
        XCTAssertNil(file.line)
        let options = S2SError.options(problem: "this CPU cannot decode in int8", hint: "Use float32 or auto precision")
        XCTAssertEqual(options.description, "this CPU cannot decode in int8. Use float32 or auto precision")
        XCTAssertEqual(options.file, "")
    }
}

/// The building blocks' errors keep their parts through the library: a
/// folder held by another run is a file error about that folder, with the
/// system's error number; a run with nothing to resume names its folder.
final class S2SErrorPartsTests: XCTestCase {
    func testAHeldOutputFolderIsAFileErrorAboutTheFolder() throws {
        let dir = TestPaths.temporaryFolder("s2s-library-held")
        let vocab = dir.appendingPathComponent("vocab")
        let folder = vocab.appendingPathComponent("toy")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Held as another s2s run holds it: an exclusive flock on .lock, its PID inside.
        let fd = open(folder.appendingPathComponent(".lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        let pid = "\(getpid())\n"
        XCTAssertEqual(write(fd, pid, pid.utf8.count), pid.utf8.count)
        let options = try Preparation.Options(corpus: TestPaths.fixture("toy-reverse").path, name: "toy",
                                              vocabularyDirectory: vocab.path,
                                              dataDirectory: dir.appendingPathComponent("data").path)
        XCTAssertThrowsError(try Preparation(options: options).run()) { error in
            guard case .file(let path, let problem, let hint, let errno)? = error as? S2SError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(path, folder.path)
            XCTAssertEqual(problem, "is in use by another s2s run (PID \(getpid()))")
            XCTAssertTrue(hint.hasPrefix("Two runs on one folder would overwrite each other's files"), hint)
            XCTAssertEqual(errno, EWOULDBLOCK)
        }
    }

    func testNothingToResumeNamesTheModelFolder() throws {
        let dir = TestPaths.temporaryFolder("s2s-library-resume")
        let model = dir.appendingPathComponent("models/toy")
        let prep = try Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-reverse").path, "--name", "toy",
                                                "--bpe-merges", "10", "-q"], in: dir)
        XCTAssertEqual(prep.status, 0, prep.stderr)
        var options = Training.Options.tiny
        options.maxSteps = 2
        let first = Training(data: dir.appendingPathComponent("data/toy").path, vocabulary: dir.appendingPathComponent("vocab/toy").path,
                             model: model.path, start: .new, options: options)
        try first.run()
        // The run's checkpoints gone: config.json says there was a run, nothing holds it.
        try FileManager.default.removeItem(at: model.appendingPathComponent("checkpoints"))
        let resumed = Training(data: dir.appendingPathComponent("data/toy").path, vocabulary: dir.appendingPathComponent("vocab/toy").path,
                               model: model.path, start: .resume(newData: false), options: options)
        XCTAssertThrowsError(try resumed.run()) { error in
            guard case .input(let file, nil, let problem, let hint)? = error as? S2SError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, model.appendingPathComponent("checkpoints").path)
            XCTAssertTrue(problem.hasPrefix("nothing to resume from"), problem)
            XCTAssertTrue(hint.hasPrefix("Nothing in the model folder was changed"), hint)
        }
    }
}
