import _S2STestSupport
import Foundation
import S2SCore
import S2SText
import XCTest

final class LineReaderTests: XCTestCase {
    func testBOMAndCRLF() throws {
        let data = Data([0xEF, 0xBB, 0xBF] + Array("one\r\ntwo\r\n\r\nfour".utf8))
        XCTAssertEqual(try LineReader.lines(of: data, path: "f"), ["one", "two", "", "four"])
        XCTAssertEqual(try LineReader.lines(of: Data("a\nb\n".utf8), path: "f"), ["a", "b"])
        XCTAssertEqual(try LineReader.lines(of: Data(), path: "f"), [])
    }

    func testInvalidUTF8NamesFileLineAndByte() {
        let data = Data(Array("good\nalso good\n".utf8) + [0x63, 0x61, 0x66, 0xE9, 0x0A] + Array("ok\n".utf8))
        XCTAssertThrowsError(try LineReader.lines(of: data, path: "corpus/train.src")) { error in
            XCTAssertEqual("\(error)",
                           "corpus/train.src:3: invalid UTF-8 (byte 0xE9 at byte 4 of the line). "
                               + "Convert the file to UTF-8, e.g. iconv -f LATIN1 -t UTF-8 FILE > FILE.utf8")
        }
    }

    func testLineCountMismatchNamesBothCounts() throws {
        let dir = TestPaths.temporaryFolder()
        let s = dir.appendingPathComponent("a.src").path, t = dir.appendingPathComponent("a.tgt").path
        try AtomicFile.write(text: "1\n2\n3\n", to: s)
        try AtomicFile.write(text: "1\n2\n", to: t)
        XCTAssertThrowsError(try ParallelText(sourcePath: s, targetPath: t)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(s): has 3 lines but \(t) has 2"), "\(error)")
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try LineReader.lines(ofFile: "/no/such/file.src")) { error in
            XCTAssertEqual("\(error)", "/no/such/file.src: no such file. Check the path")
        }
    }
}
