import _S2STestSupport
import Foundation
import S2SCore
import S2SText
import XCTest

/// The model folder's typed readers: each file read as its type, and a
/// missing or damaged one an error naming it.
final class ModelFolderTests: XCTestCase {
    let source = Vocabulary(tokens: ["a", "b"], counts: [2, 1])
    let target = Vocabulary(tokens: ["c"], counts: [1])

    func folder() -> ModelFolder { ModelFolder(path: TestPaths.temporaryFolder("s2s-model-folder").path) }

    func testAMissingFileIsNamed() {
        let folder = folder()
        XCTAssertThrowsError(try folder.sourceVocabulary()) { error in
            XCTAssertEqual("\(error)", "\(folder.path)/src.vocab: missing. \(ModelFolder.missingHint)")
        }
        XCTAssertThrowsError(try folder.prepManifest()) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(folder.path)/prep.json: missing."), "\(error)")
        }
        XCTAssertThrowsError(try folder.shortlist(source: source, target: target)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(folder.path)/shortlist.tsv: missing: this model folder has no lexical shortlist"),
                          "\(error)")
        }
    }

    func testTheFilesReadAsTheirTypes() throws {
        let vocab = TestPaths.temporaryFolder("s2s-vocab").path
        let manifest = try PrepManifest(json: Data(contentsOf: TestPaths.fixture("fuzz/prep/seed-prep.json")))
        try AtomicFile.write(try StableJSON.encode(manifest), to: vocab + "/prep.json")
        try AtomicFile.write(text: source.fileText, to: vocab + "/src.vocab")
        try AtomicFile.write(text: target.fileText, to: vocab + "/tgt.vocab")
        try AtomicFile.write(text: "a b\n", to: vocab + "/bpe.codes")
        let folder = folder()
        try folder.copyVocabulary(from: vocab)
        XCTAssertEqual(try folder.prepManifest(), manifest)
        XCTAssertEqual(try folder.sourceVocabulary(), source)
        XCTAssertEqual(try folder.targetVocabulary(), target)
        XCTAssertEqual(try folder.bpeCodes(), try BPECodes(fileText: "a b\n", path: "bpe.codes"))
        XCTAssertThrowsError(try folder.checkVocabularies(source, target, against: manifest)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(folder.path)/src.vocab: does not match prep.json (hash \(String(source.hash, radix: 16)), "
                                               + "prep.json says 5766e0b9f16e408c)"), "\(error)")
        }
        var matching = manifest
        matching.sourceVocabulary.hash = String(source.hash, radix: 16)
        matching.targetVocabulary.hash = String(target.hash, radix: 16)
        XCTAssertNoThrow(try folder.checkVocabularies(source, target, against: matching))
    }

    func testADamagedPrepJSONNamesTheKey() throws {
        let folder = folder()
        try AtomicFile.write(text: #"{"name": "x"}"#, to: folder.prepPath)
        XCTAssertThrowsError(try folder.prepManifest()) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(folder.path)/prep.json: lacks the key "), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("Copy it from vocab/NAME/"), "\(error)")
        }
    }

    func testCheckpointsNewestFirst() throws {
        let folder = folder()
        try FileManager.default.createDirectory(atPath: folder.checkpointFolder, withIntermediateDirectories: true)
        for step in [100, 2000, 300] { try AtomicFile.write(text: "", to: folder.checkpointPath(step: step)) }
        try AtomicFile.write(text: "", to: folder.checkpointFolder + "/notes.txt")
        XCTAssertEqual(folder.checkpoints().map { ($0 as NSString).lastPathComponent },
                       ["step-00002000.safetensors", "step-00000300.safetensors", "step-00000100.safetensors"])
    }
}
