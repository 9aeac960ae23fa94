import _S2STestSupport
import Foundation
import XCTest

/// s2s-bench train-step times the trainer's own update on a model shaped by
/// s2s-train's options: a tiny run gives one JSON line whose shape is the
/// options' and whose losses and rates are real numbers.
final class BenchCommandTests: XCTestCase {
    func testTrainStepTimesTheShapeTheOptionsGive() throws {
        let r = try Command.run("s2s-bench", ["train-step", "--steps", "3", "--warmup", "1", "--threads", "1",
                                              "--batch", "4", "--src-len", "6", "--tgt-len", "5", "--vocab", "40",
                                              "--preset", "tiny", "--cell", "gru", "--attention", "dot"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = try XCTUnwrap(r.stdout.split(separator: "\n").last, r.stdout)
        let result = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
        let shape = try XCTUnwrap(result["shape"] as? [String: Int])
        XCTAssertEqual(shape, ["batch": 4, "src_len": 6, "tgt_len": 5, "vocab": 40, "emb": 64, "hidden": 64, "layers": 1])
        XCTAssertEqual(result["threads"] as? Int, 1)
        let losses = try XCTUnwrap(result["losses"] as? [Double])
        XCTAssertEqual(losses.count, 4, "one warm-up and three timed steps")
        XCTAssertTrue(losses.allSatisfy { $0.isFinite && $0 > 0 }, "\(losses)")
        // Adam's steps lower the loss on the one batch it sees again and again.
        XCTAssertLessThan(losses.last!, losses.first!)
        XCTAssertGreaterThan(result["tokens_per_s"] as? Double ?? 0, 0)
        XCTAssertGreaterThan(result["flops_per_step"] as? Double ?? 0, 0)
        XCTAssertTrue(r.stderr.contains("s2s train-step (float32):"), r.stderr)
    }

    func testAShapeS2STrainRefusesIsRefused() throws {
        let r = try Command.run("s2s-bench", ["train-step", "--steps", "1", "--cell", "lstn"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("The value 'lstn' is invalid for '--cell <cell>': expected lstm, gru or rnn."), r.stderr)
    }
}
