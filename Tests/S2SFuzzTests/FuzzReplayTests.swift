import _S2STestSupport
import Foundation
import S2SFuzzTargets
import XCTest

/// Replays every file of `Tests/Fixtures/fuzz/TARGET/` (the seeds of
/// tools/fuzz/run.sh and every input a fuzzer found a bug with) through the
/// fuzz target itself. A regression traps, which fails the run: the file
/// being replayed is printed first.
final class FuzzReplayTests: XCTestCase {
    static let root = TestPaths.fixture("fuzz")

    func testEveryTargetHasAFolderAndEveryFolderATarget() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.root.path).sorted()
        XCTAssertEqual(folders, FuzzTargets.all.map(\.name).sorted())
    }

    func testSafetensors() throws { try replay("safetensors") }
    func testShard() throws { try replay("shard") }
    func testVocabulary() throws { try replay("vocabulary") }
    func testBPECodes() throws { try replay("bpe-codes") }
    func testConfig() throws { try replay("config") }
    func testPrep() throws { try replay("prep") }
    func testLines() throws { try replay("lines") }
    func testTokenize() throws { try replay("tokenize") }
    func testShortlist() throws { try replay("shortlist") }
    func testRequest() throws { try replay("request") }

    func replay(_ target: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = Self.root.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertFalse(names.isEmpty, "no inputs in \(folder.path)", file: file, line: line)
        for name in names {
            let path = folder.appendingPathComponent(name).path
            // On stderr, unbuffered: the last line before a trap names the input.
            FileHandle.standardError.write(Data("replaying \(target) \(path)\n".utf8))
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path), path, file: file, line: line)
            FuzzTargets.run(target, Array(bytes))
        }
    }
}
