import _S2STestSupport
import Foundation
import XCTest

/// Search options whose memory would not fit are refused at load (exit 64,
/// naming the options and the memory needed against what is available);
/// memory follows the lines present, not the option's maximum; `--weights`
/// from another run names that file and what differs.
final class SearchLimitsTests: XCTestCase {
    var model: String { TranslateCommandTests.folder.appendingPathComponent("models/toy").path }

    func testBatchAndBeamSizesBeyondMemoryAreRefused() throws {
        for (options, named) in [(["--batch-size", "100000000"], "--batch-size 100000000 with --beam-size 5 needs about "),
                                 (["--batch-size", "9223372036854775807"], "--batch-size 9223372036854775807 with --beam-size 5 needs about "),
                                 (["--beam-size", "100000"], "--batch-size 32 with --beam-size 100000 needs about ")] {
            let r = try Command.run("s2s-translate", ["--model", model, "--threads", "1"] + options, stdin: "ba ce\ndi fo\n")
            XCTAssertEqual(r.status, 64, "\(options): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(named), r.stderr)
            XCTAssertTrue(r.stderr.contains(" are available. Lower --batch-size or --beam-size"), r.stderr)
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("failed to allocate"), r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        // The server checks the widest beam a request may ask for.
        let serve = try Command.run("s2s-serve", ["--model", model, "--source-lang", "en", "--target-lang", "es", "--port", "0",
                                                  "--threads", "1", "--batch-size", "1000000000"])
        XCTAssertEqual(serve.status, 64, serve.stderr)
        XCTAssertTrue(serve.stderr.contains("--batch-size 1000000000 with --max-beam-size 10 needs about "), serve.stderr)
    }

    /// `--precision auto` times the decoding products at a batch's rows:
    /// capped, so two lines with `--batch-size 10000` cost what two lines cost.
    func testMemoryFollowsTheLinesNotTheBatchSize() throws {
        let dir = TestPaths.temporaryFolder("s2s-search-limits")
        let input = dir.appendingPathComponent("two.txt").path
        try Data("ba ce di\nfo gu\n".utf8).write(to: URL(fileURLWithPath: input))
        var peaks: [Int] = [], outputs: [String] = []
        for batch in ["2", "10000"] {
            let out = dir.appendingPathComponent("out-\(batch).txt").path, err = dir.appendingPathComponent("err-\(batch).txt").path
            let r = try Command.runMeasuringMemory("s2s-translate", ["--model", model, "--threads", "1", "--precision", "auto",
                                                                     "--max-source-tokens", "20", "--batch-size", batch, "--input", input],
                                                   stdoutFile: out, stderrFile: err)
            let stderr = try String(contentsOfFile: err, encoding: .utf8)
            XCTAssertEqual(r.status, 0, stderr)
            peaks.append(r.peakBytes)
            outputs.append(try String(contentsOfFile: out, encoding: .utf8))
        }
        XCTAssertEqual(outputs[0].split(separator: "\n").count, 2, outputs[0])
        XCTAssertEqual(outputs[1], outputs[0])
        XCTAssertLessThan(Double(peaks[1]), Double(peaks[0]) + 30e6,
                          "peak RSS with --batch-size 10000 \(peaks[1]) against \(peaks[0]) with 2")
    }

    /// --weights of another shape names that file and each key that differs.
    func testWeightsOfAnotherRunAreNamed() throws {
        let dir = TranslateCommandTests.folder
        _ = model  // the toy model (hidden size 128) is trained first
        let other = TestPaths.temporaryFolder("s2s-other-weights").appendingPathComponent("m").path
        let train = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", other, "--preset", "tiny",
                                                  "--max-steps", "1", "--bleu-sentences", "0", "--threads", "1"], in: dir)
        XCTAssertEqual(train.status, 0, train.stderr)
        let weights = other + "/model.safetensors"
        let r = try Command.run("s2s-translate", ["--model", model, "--weights", weights, "--threads", "1"], stdin: "ba ce\n")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(weights): was trained with another configuration: hidden_size is 64 (\(model)/model.safetensors has 128)"),
                      r.stderr)
        XCTAssertTrue(r.stderr.contains("Give --weights a checkpoint of this model's run"), r.stderr)
    }
}
