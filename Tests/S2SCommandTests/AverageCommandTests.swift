import _S2STestSupport
import Foundation
import XCTest

/// s2s-average never writes over what s2s-train wrote, and names a
/// checkpoint of another run found among the run's own.
final class AverageCommandTests: XCTestCase {
    func train(_ dir: URL, _ model: String, _ extra: [String]) throws {
        let r = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", model, "--preset", "tiny",
                                              "--bleu-sentences", "0", "--threads", "1"] + extra, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testTheRunsOwnFilesAreNotOverwritten() throws {
        let dir = try Command.prepared("s2s-average-own")
        try train(dir, "models/toy", ["--max-steps", "3", "--save-every", "1", "--valid-every", "3"])
        let best = dir.appendingPathComponent("models/toy/model.safetensors").path
        let newest = dir.appendingPathComponent("models/toy/checkpoints/step-00000003.safetensors").path
        let before = try [best, newest].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        for output in ["models/toy/model.safetensors", "./models/../models/toy/model.safetensors",
                       "models/toy/checkpoints/step-00000003.safetensors", best] {
            let r = try Command.run("s2s-average", ["--model", "models/toy", "--last", "2", "--output", output], in: dir)
            XCTAssertEqual(r.status, 64, "\(output): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--output \(output) is models/toy/"), r.stderr)
            XCTAssertTrue(r.stderr.contains("which s2s-train wrote"), r.stderr)
        }
        XCTAssertEqual(try [best, newest].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }, before)
        let ok = try Command.run("s2s-average", ["--model", "models/toy", "--last", "2", "--output", "avg.safetensors"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    func testACheckpointOfAnotherRunIsNamed() throws {
        let dir = try Command.prepared("s2s-average-foreign")
        try train(dir, "models/toy", ["--max-steps", "2", "--save-every", "1", "--valid-every", "2"])
        try train(dir, "models/other", ["--max-steps", "1", "--hidden-size", "32", "--embedding-size", "32"])
        // The other run's checkpoint copied in as the newest.
        let foreign = "models/toy/checkpoints/step-00000009.safetensors"
        try FileManager.default.copyItem(at: dir.appendingPathComponent("models/other/checkpoints/step-00000001.safetensors"),
                                         to: dir.appendingPathComponent(foreign))
        let r = try Command.run("s2s-average", ["--model", "models/toy", "--last", "2"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(foreign): was trained with another configuration: embedding_size is 32 (models/toy/model.safetensors has 64)"),
                      r.stderr)
        XCTAssertTrue(r.stderr.contains("It is not a checkpoint of this run: move it out of models/toy/checkpoints"), r.stderr)
        XCTAssertFalse(r.stderr.contains("step-00000002.safetensors: was trained"), r.stderr)
    }
}
