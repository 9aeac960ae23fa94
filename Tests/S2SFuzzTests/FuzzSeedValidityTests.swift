import _S2STestSupport
import Foundation
import S2SModel
import S2SText
import S2STraining
import XCTest

/// The seeds must be inputs the readers accept, so that fuzzing starts from
/// the paths that read a whole file, not only from the early rejections.
final class FuzzSeedValidityTests: XCTestCase {
    func seeds(_ target: String) throws -> [String] {
        let folder = TestPaths.fixture("fuzz").appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("seed-") }.sorted()
        XCTAssertFalse(names.isEmpty, "no seeds in \(folder.path)")
        return names.map { folder.appendingPathComponent($0).path }
    }

    func text(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) }

    func testSeedsAreAccepted() throws {
        for path in try seeds("safetensors") { XCTAssertNoThrow(try SafeTensorsFile(path: path), path) }
        let checkpoint = try Checkpoint.load(path: try seeds("safetensors").first { $0.hasSuffix("checkpoint.safetensors") }!)
        var parameters = [Float](repeating: 0, count: ParameterLayout(config: checkpoint.config).count)
        try parameters.withUnsafeMutableBufferPointer {
            try checkpoint.loadParameters(into: $0.baseAddress!, layout: ParameterLayout(config: checkpoint.config))
        }
        for path in try seeds("shard") { XCTAssertNoThrow(try TokenShard(path: path), path) }
        for path in try seeds("vocabulary") { XCTAssertNoThrow(try Vocabulary(fileText: text(path), path: path), path) }
        for path in try seeds("bpe-codes") { XCTAssertNoThrow(try BPECodes(fileText: text(path), path: path), path) }
        for path in try seeds("config") { XCTAssertNoThrow(try ModelFolder.readConfig(at: path).model.validate(), path) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        for path in try seeds("prep") {
            XCTAssertNoThrow(try decoder.decode(PrepManifest.self, from: FileManager.default.contents(atPath: path)!), path)
        }
        for path in try seeds("shortlist") {
            XCTAssertNoThrow(try LexicalShortlist(fileText: text(path), path: path, source: Vocabulary(tokens: ["a", "b", "c"], counts: [3, 2, 1]),
                                                  target: Vocabulary(tokens: ["x", "y", "z"], counts: [3, 2, 1])), path)
        }
        for path in try seeds("lines") {
            XCTAssertNoThrow(try LineReader.lines(of: FileManager.default.contents(atPath: path)!, path: path), path)
        }
    }
}
