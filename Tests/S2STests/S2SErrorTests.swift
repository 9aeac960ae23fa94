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
