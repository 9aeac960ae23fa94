import _S2STestSupport
import Foundation
import S2SCore
import S2SText
import XCTest

final class TokenShardTests: XCTestCase {
    let src = Vocabulary(tokens: ["a", "b", "c"], counts: [3, 2, 1])
    let tgt = Vocabulary(tokens: ["x", "y"], counts: [2, 1])
    let pairs: [(source: [Int32], target: [Int32])] = [([4, 5, 6], [4]), ([6], [5, 4, 1]), ([1, 4], [5])]

    func write(_ bytes: [UInt8]) throws -> String {
        let path = TestPaths.temporaryFolder().appendingPathComponent("t.s2sb").path
        try AtomicFile.write(bytes, to: path)
        return path
    }

    func testRoundTrip() throws {
        let path = try write(TokenShard.encode(pairs: pairs, sourceVocabulary: src, targetVocabulary: tgt))
        let shard = try TokenShard(path: path, sourceVocabulary: src, targetVocabulary: tgt)
        XCTAssertEqual(shard.count, 3)
        XCTAssertEqual(shard.header.sourceTokenCount, 6)
        XCTAssertEqual(shard.header.targetTokenCount, 5)
        for (i, p) in pairs.enumerated() {
            XCTAssertEqual(Array(shard.source(i)), p.source.map(UInt32.init))
            XCTAssertEqual(Array(shard.target(i)), p.target.map(UInt32.init))
        }
    }

    func testRejectsTruncatedFile() throws {
        let bytes = TokenShard.encode(pairs: pairs, sourceVocabulary: src, targetVocabulary: tgt)
        let path = try write(Array(bytes.dropLast(4)))
        XCTAssertThrowsError(try TokenShard(path: path)) { error in
            XCTAssertTrue("\(error)".contains("truncated or corrupt"), "\(error)")
            XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
        }
        let tiny = try write([0x53, 0x32])
        XCTAssertThrowsError(try TokenShard(path: tiny)) { error in
            XCTAssertTrue("\(error)".contains("too short for a token shard"), "\(error)")
        }
    }

    func testRejectsForeignFile() throws {
        let path = try write(Array("this is not a shard at all, just some text that is long enough".utf8))
        XCTAssertThrowsError(try TokenShard(path: path)) { error in
            XCTAssertTrue("\(error)".contains("is not a token shard (no S2SB magic)"), "\(error)")
        }
    }

    func testRejectsOtherVersion() throws {
        var bytes = TokenShard.encode(pairs: pairs, sourceVocabulary: src, targetVocabulary: tgt)
        bytes[4] = 9
        XCTAssertThrowsError(try TokenShard(path: try write(bytes))) { error in
            XCTAssertTrue("\(error)".contains("has shard format version 9"), "\(error)")
        }
    }

    func testRejectsAnotherVocabulary() throws {
        let path = try write(TokenShard.encode(pairs: pairs, sourceVocabulary: src, targetVocabulary: tgt))
        let other = Vocabulary(tokens: ["a", "c", "b"], counts: [3, 2, 1])
        XCTAssertThrowsError(try TokenShard(path: path, sourceVocabulary: other, targetVocabulary: tgt)) { error in
            XCTAssertTrue("\(error)".contains("was made with another source vocabulary"), "\(error)")
        }
    }

    func testRejectsIdOutsideVocabulary() throws {
        let bytes = TokenShard.encode(pairs: [([99], [4])], sourceVocabulary: src, targetVocabulary: tgt)
        XCTAssertThrowsError(try TokenShard(path: try write(bytes))) { error in
            XCTAssertTrue("\(error)".contains("source id 99 outside its vocabulary of 7"), "\(error)")
        }
    }

    func testMissingFileSaysToRunPrep() {
        XCTAssertThrowsError(try TokenShard(path: "/nonexistent/train.s2sb")) { error in
            XCTAssertTrue("\(error)".contains("Run s2s-prep first"), "\(error)")
        }
    }

    /// A folder where a shard should be (both readers open files through
    /// MappedFile, so this covers checkpoints too).
    func testFolderIsNotAShard() throws {
        let folder = TestPaths.temporaryFolder().appendingPathComponent("train.s2sb").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertThrowsError(try TokenShard(path: folder)) { error in
            XCTAssertEqual("\(error)", "\(folder): is not a regular file. Run s2s-prep first, or check the --data path")
        }
    }
}
