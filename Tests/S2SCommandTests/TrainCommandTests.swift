import _S2STestSupport
import Foundation
import S2SCore
import S2SKernels
import XCTest

/// `s2s-train` run as a binary on the toy reverse task.
final class TrainCommandTests: XCTestCase {
    func prepared() throws -> URL { try Command.prepared("s2s-train") }

    let common = ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/toy", "--preset", "tiny",
                  "--batch-tokens", "0", "--batch-size", "32", "--learning-rate", "0.005", "--threads", "1"]

    /// (step, loss) of every train record in train.jsonl.
    func losses(_ dir: URL) throws -> [Int: String] {
        let text = try String(contentsOf: dir.appendingPathComponent("models/toy/train.jsonl"), encoding: .utf8)
        var out: [Int: String] = [:]
        for line in text.split(separator: "\n") {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["kind"] as? String == "train", let step = object["step"] as? Int, let loss = object["loss"] as? Double {
                out[step] = String(loss.bitPattern, radix: 16)
            }
        }
        return out
    }

    /// Trains with `common` + `extra` (reporting every `every` updates) and
    /// returns the reported losses in step order.
    func trainedLosses(_ dir: URL, _ extra: [String], steps: Int, every: Int) throws -> [Double] {
        let r = try Command.run("s2s-train", common + extra + ["--max-steps", "\(steps)", "--report-every", "\(every)",
                                                                "--valid-every", "\(steps)", "--bleu-sentences", "0"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try losses(dir).sorted { $0.key < $1.key }.map { Double(bitPattern: UInt64($0.value, radix: 16)!) }
    }

    func testLossFallsOnTheToyTask() throws {
        let dir = try prepared()
        let r = try Command.run("s2s-train", common + ["--max-steps", "300", "--valid-every", "300"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: dir.appendingPathComponent("models/toy/train.jsonl"), encoding: .utf8)
        let valid = try XCTUnwrap(text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.last { $0["kind"] as? String == "valid" })
        XCTAssertLessThan(try XCTUnwrap(valid["ppl"] as? Double), 2.0, r.stderr)
        // Greedy translations of the validation set, scored with BLEU.
        XCTAssertGreaterThan(try XCTUnwrap(valid["bleu"] as? Double), 50, r.stderr)
        for name in ["config.json", "model.safetensors", "src.vocab", "tgt.vocab", "bpe.codes", "prep.json",
                     "checkpoints/step-00000300.safetensors", "plots/loss.svg", "plots/bleu.svg",
                     "plots/learning_rate.svg", "plots/teacher_forcing.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/toy/" + name).path), name)
        }
    }

    /// The Elman RNN (--cell rnn) trains and translates like the gated cells.
    func testElmanRNNTrainsAndTranslates() throws {
        let dir = try prepared()
        let l = try trainedLosses(dir, ["--cell", "rnn"], steps: 150, every: 10)
        XCTAssertEqual(l.count, 15)
        XCTAssertLessThan(l.last!, 0.8 * l.first!, "the loss falls: \(l)")
        let config = try String(contentsOf: dir.appendingPathComponent("models/toy/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"cell\" : \"rnn\""), config)
        let t = try Command.run("s2s-translate", ["--model", "models/toy"], in: dir, stdin: "ba ce di\n")
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertEqual(t.stdout.split(separator: "\n").count, 1)
        let bad = try Command.run("s2s-train", common + ["--cell", "lstn"], in: dir)
        XCTAssertTrue(bad.stderr.contains("--cell must be one of lstm, gru, rnn, not 'lstn'"), bad.stderr)
    }

    /// --residual (three layers with skip connections) trains and translates;
    /// with one layer it is refused by name.
    func testResidualLayersTrainAndTranslate() throws {
        let dir = try prepared()
        let l = try trainedLosses(dir, ["--residual", "--layers", "3"], steps: 150, every: 10)
        XCTAssertLessThan(l.last!, 0.8 * l.first!, "the loss falls: \(l)")
        let t = try Command.run("s2s-translate", ["--model", "models/toy"], in: dir, stdin: "ba ce di\n")
        XCTAssertEqual(t.status, 0, t.stderr)
        let one = try Command.run("s2s-train", common + ["--residual", "--layers", "1", "--model", "models/one"], in: dir)
        XCTAssertEqual(one.status, 64, one.stderr)
        XCTAssertTrue(one.stderr.contains("connects stacked layers and needs layers ≥ 2, has 1 (option --residual)"), one.stderr)
    }

    /// --pyramid (three layers: the memory has a quarter of the steps)
    /// trains, and translation maps attention back to source positions:
    /// alignments name source subwords, heatmaps have one column a subword.
    func testPyramidEncoderTrainsAndAlignsToSourcePositions() throws {
        let dir = try prepared()
        // Reversing symbols through a memory of a quarter of the steps is
        // slow to learn: the loss falls, less than with full resolution.
        let l = try trainedLosses(dir, ["--pyramid", "--layers", "3"], steps: 300, every: 20)
        let first = l.prefix(3).reduce(0, +) / 3, last = l.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(last, 0.95 * first, "the loss falls: \(l)")
        let source = "ba ce di fo ba ce di"
        let t = try Command.run("s2s-translate", ["--model", "models/toy", "--print-alignment", "--attention-svg", "svg"],
                                in: dir, stdin: source + "\n")
        XCTAssertEqual(t.status, 0, t.stderr)
        let pairs = try XCTUnwrap(t.stdout.components(separatedBy: " ||| ").last).split(separator: " ")
        XCTAssertFalse(pairs.isEmpty, t.stdout)
        for pair in pairs {
            let s = try XCTUnwrap(Int(pair.split(separator: "-")[0]))
            XCTAssertTrue((0..<7).contains(s), "source position \(s) of 7 subwords: \(t.stdout)")
        }
        let svg = try String(contentsOf: dir.appendingPathComponent("svg/1.svg"), encoding: .utf8)
        for word in ["ba", "ce", "di", "fo"] { XCTAssertTrue(svg.contains(">\(word)<"), word) }
        let bad = try Command.run("s2s-train", common + ["--pyramid", "--residual", "--layers", "3", "--model", "models/b"], in: dir)
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("cannot be combined with pyramid"), bad.stderr)
    }

    /// --gradient-flow: a record per validation and plots/gradient_flow.svg.
    func testGradientFlowIsRecordedAndPlotted() throws {
        let dir = try prepared()
        let r = try Command.run("s2s-train", common + ["--gradient-flow", "--max-steps", "20", "--valid-every", "10",
                                                        "--bleu-sentences", "0"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: dir.appendingPathComponent("models/toy/train.jsonl"), encoding: .utf8)
        let flows = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] as? String == "gradient_flow" }
        XCTAssertEqual(flows.map { $0["step"] as? Int }, [10, 20])
        let norms = try XCTUnwrap(flows.last?["norms"] as? [Double])
        XCTAssertGreaterThan(norms.count, 3)
        XCTAssertTrue(norms.allSatisfy { $0 > 0 }, "\(norms)")
        let svg = try String(contentsOf: dir.appendingPathComponent("models/toy/plots/gradient_flow.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("step 10") && svg.contains("step 20") && svg.contains("<polyline"), svg)
    }

    /// s2s-prep --bpe-merges 0 keeps whole words: s2s-translate must not
    /// split them into characters (it did, and translated <unk>s).
    func testWholeWordModelsTranslateWholeWords() throws {
        let dir = TestPaths.temporaryFolder("s2s-train")
        let prep = try Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-reverse").path, "--name", "toy", "-q",
                                                "--bpe-merges", "0"], in: dir)
        XCTAssertEqual(prep.status, 0, prep.stderr)
        let r = try Command.run("s2s-train", common + ["--hidden-size", "128", "--max-steps", "400", "--valid-every", "400",
                                                        "--bleu-sentences", "0"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let sources = try String(contentsOf: TestPaths.fixture("toy-reverse/test.src"), encoding: .utf8)
            .split(separator: "\n").prefix(20).map(String.init)
        let t = try Command.run("s2s-translate", ["--model", "models/toy"], in: dir, stdin: sources.joined(separator: "\n") + "\n")
        XCTAssertEqual(t.status, 0, t.stderr)
        let out = t.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let correct = zip(sources, out).filter { s, o in s.split(separator: " ").reversed().joined(separator: " ") == o }.count
        XCTAssertGreaterThanOrEqual(correct, 10, "exact reversals out of 20:\n\(t.stdout)")
        XCTAssertFalse(t.stdout.contains("<unk>"), t.stdout)
    }

    /// kill -9 in the middle, then --resume: the loss trajectory is the
    /// uninterrupted run's, bit for bit.
    func testKillAndResumeGivesTheSameTrajectory() throws {
        let straight = try prepared()
        let args = common + ["--hidden-size", "128", "--report-every", "1", "--save-every", "10", "--valid-every", "0"]
        let a = try Command.run("s2s-train", args + ["--max-steps", "80"], in: straight)
        XCTAssertEqual(a.status, 0, a.stderr)
        let expected = try losses(straight)
        XCTAssertEqual(expected.count, 80)

        let killed = try prepared()
        let process = Process()
        process.environment = Command.environment
        process.executableURL = Command.binDirectory.appendingPathComponent("s2s-train")
        process.arguments = args + ["--max-steps", "80"]
        process.currentDirectoryURL = killed
        process.standardError = FileHandle.nullDevice
        try process.run()
        let first = killed.appendingPathComponent("models/toy/checkpoints/step-00000010.safetensors").path
        while !FileManager.default.fileExists(atPath: first) && process.isRunning { usleep(1000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the run finished before it could be killed")

        // kill -9 left the folder's lock file behind: it does not block.
        XCTAssertTrue(FileManager.default.fileExists(atPath: killed.appendingPathComponent("models/toy/.lock").path))
        let resume = ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/toy", "--threads", "1",
                      "--report-every", "1", "--save-every", "10", "--valid-every", "0"]
        let b = try Command.run("s2s-train", resume + ["--max-steps", "80", "--resume"], in: killed)
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertTrue(b.stderr.contains("resuming from"), b.stderr)
        XCTAssertEqual(try losses(killed), expected)
    }

    /// Train losses, then validation losses, of 40 updates without dropout,
    /// reported at every update (validation at 20 and 40).
    func stepLosses(_ extra: [String]) throws -> [Double] {
        let dir = try prepared()
        let r = try Command.run("s2s-train", common + ["--dropout", "0", "--report-every", "1", "--valid-every", "20",
                                                       "--bleu-sentences", "0", "--max-steps", "40"] + extra, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: dir.appendingPathComponent("models/toy/train.jsonl"), encoding: .utf8)
        let records = text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return ["train", "valid"].flatMap { kind in
            records.filter { $0["kind"] as? String == kind }.compactMap { $0["loss"] as? Double }
        }
    }

    /// --pass-tokens: batches run in several passes make the same updates
    /// (to Float rounding: the gradients are summed in another order). In
    /// float32: in bfloat16 a change in a weight's last float bit can move
    /// its rounding by 2⁻⁸, so two runs that differ in float rounding part
    /// visibly after a few tens of updates.
    func testPassesMakeTheSameUpdates() throws {
        let run = { try self.stepLosses(["--precision", "float32"] + $0) }
        let whole = try run([]), split = try run(["--pass-tokens", "150"])  // 32 toy pairs ≈ 32 × 20 tokens: ~4 passes
        XCTAssertEqual(whole.count, 42)
        XCTAssertEqual(split.count, 42)
        for (step, (a, b)) in zip(whole, split).enumerated() {
            XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(a)), "step \(step + 1)")
        }
        XCTAssertLessThan(split[35..<40].reduce(0, +), split.prefix(5).reduce(0, +), "it learns")
    }

    /// Training in bfloat16 (products' inputs rounded, everything else in
    /// float32) tracks float32 from the same seed, update by update, and it
    /// learns as much (the last five updates' losses within 2%).
    func testBFloat16TracksFloat32() throws {
        try XCTSkipUnless(BFloat16Gemm.isAvailable, "no AVX512_BF16: --precision auto trains in float32 here")
        let f32 = try stepLosses(["--precision", "float32"]), bf16 = try stepLosses(["--precision", "bfloat16"])
        XCTAssertEqual(f32.count, 42)
        XCTAssertEqual(bf16.count, 42)
        XCTAssertNotEqual(f32, bf16, "the products should round")
        var worst = 0.0
        for (step, (a, b)) in zip(f32, bf16).enumerated() {
            worst = max(worst, abs(a - b) / abs(a))
            // The first 20 updates within 0.2%, then within 5% (trajectories
            // part slowly: see testPassesMakeTheSameUpdates).
            XCTAssertEqual(a, b, accuracy: (step < 20 ? 0.002 : 0.05) * abs(a), "step \(step + 1)")
        }
        print("bfloat16 against float32: largest relative loss difference \(worst)")
        XCTAssertEqual(bf16[35..<40].reduce(0, +), f32[35..<40].reduce(0, +), accuracy: 0.02 * f32[35..<40].reduce(0, +))
    }

    /// --precision auto records what it chose in config.json; a resumed run
    /// keeps it and refuses a new --precision.
    func testPrecisionIsRecordedAndKept() throws {
        let dir = try prepared()
        let r = try Command.run("s2s-train", common + ["--max-steps", "4"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let config = try String(contentsOf: dir.appendingPathComponent("models/toy/config.json"), encoding: .utf8)
        let want = BFloat16Gemm.isAvailable ? "bfloat16" : "float32"
        XCTAssertTrue(config.contains("\"precision\" : \"\(want)\"") || config.contains("\"precision\":\"\(want)\""), config)
        XCTAssertTrue(r.stderr.contains("products in \(want)"), r.stderr)
        let again = try Command.run("s2s-train", common + ["--resume", "--max-steps", "6", "--precision", "float32"], in: dir)
        XCTAssertEqual(again.status, 64, again.stderr)
        XCTAssertTrue(again.stderr.contains("--precision"), again.stderr)
        let bad = try Command.run("s2s-train", common + ["--precision", "half"], in: try prepared())
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--precision must be float32, bfloat16 or auto, not 'half'"), bad.stderr)
    }

    func testInterruptWritesACheckpointAndExitsZero() throws {
        let dir = try prepared()
        let process = Process()
        process.environment = Command.environment
        process.executableURL = Command.binDirectory.appendingPathComponent("s2s-train")
        process.arguments = common + ["--hidden-size", "128", "--save-every", "1000000", "--max-steps", "100000"]
        process.currentDirectoryURL = dir
        let err = Pipe()
        process.standardError = err
        try process.run()
        let log = dir.appendingPathComponent("models/toy/train.jsonl").path
        while (try? String(contentsOfFile: log, encoding: .utf8))?.isEmpty ?? true { usleep(2000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("checkpoint written. Resume with: s2s-train"), stderr)
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("models/toy/checkpoints").path)
        XCTAssertEqual(checkpoints.count, 1, "\(checkpoints)")
    }

    func testCorruptLatestCheckpointFallsBackToThePrevious() throws {
        let dir = try prepared()
        let args = common + ["--save-every", "20", "--valid-every", "0"]
        XCTAssertEqual(try Command.run("s2s-train", args + ["--max-steps", "60"], in: dir).status, 0)
        let latest = dir.appendingPathComponent("models/toy/checkpoints/step-00000060.safetensors").path
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: latest))
        try AtomicFile.write(Array(bytes.prefix(bytes.count / 2)), to: latest)
        let r = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/toy",
                                              "--threads", "1", "--max-steps", "70", "--resume"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: cannot use \("models/toy/checkpoints/step-00000060.safetensors")"), r.stderr)
        XCTAssertTrue(r.stderr.contains("resuming from models/toy/checkpoints/step-00000040.safetensors (step 40"), r.stderr)
    }

    func testBadOptionsAreExplained() throws {
        let dir = try prepared()
        let cases: [([String], String)] = [
            (["--teacher-forcing", "2"], "--teacher-forcing '2' is not a probability"),
            (["--bidirectional", "--hidden-size", "63"], "(option --hidden-size)"),
            (["--attention", "bahdanau"], "--attention must be none, dot, general or concat"),
            (["--max-time", "soon"], "--max-time 'soon' is not a duration"),
            (["--best-metric", "bleu", "--bleu-sentences", "0"], "--best-metric bleu needs greedy translations"),
        ]
        for (extra, message) in cases {
            let r = try Command.run("s2s-train", common + extra, in: dir)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains(message), "\(extra): \(r.stderr)")
        }
        // Data prepared with another vocabulary.
        _ = try Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-copy").path, "--name", "other", "-q"], in: dir)
        let r = try Command.run("s2s-train", ["--data", "data/other", "--vocab", "vocab/toy", "--model", "models/x"], in: dir)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("was made with another source vocabulary"), r.stderr)
    }

    /// --config takes shape and options from an earlier run's config.json;
    /// a bad key or value is named.
    func testConfigFileFromAnEarlierRun() throws {
        let dir = try prepared()
        let first = try Command.run("s2s-train", common + ["--max-steps", "5", "--hidden-size", "40", "--cell", "gru"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/again",
                                                   "--config", "models/toy/config.json"], in: dir)
        XCTAssertEqual(second.status, 0, second.stderr)
        let config = try String(contentsOf: dir.appendingPathComponent("models/again/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"hidden_size\" : 40") && config.contains("\"cell\" : \"gru\""), config)

        var text = try String(contentsOf: dir.appendingPathComponent("models/toy/config.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"hidden_size\" : 40", with: "\"hidden_size\" : \"big\"")
        try AtomicFile.write(text: text, to: dir.appendingPathComponent("bad.json").path)
        let bad = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/bad",
                                                "--config", "bad.json"], in: dir)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("bad.json: has a bad value at model.hidden_size"), bad.stderr)
    }

    func testTiedEmbeddingsNeedEqualSizes() throws {
        let dir = try prepared()
        let r = try Command.run("s2s-train", common + ["--tie-target-embeddings", "--embedding-size", "32"], in: dir)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("(option --tie-target-embeddings)"), r.stderr)
        let ok = try Command.run("s2s-train", common + ["--tie-target-embeddings", "--max-steps", "3"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// An absurd learning rate blows the parameters up to infinity: the loss
    /// turns NaN, updates are skipped, and the run stops with a message after
    /// 5 in a row, without writing a checkpoint.
    func testRepeatedNaNStopsWithoutAPoisonedCheckpoint() throws {
        let dir = try prepared()
        let r = try Command.run("s2s-train", common + ["--learning-rate", "1e38", "--max-steps", "50", "--clip", "0"], in: dir)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("the loss was NaN or infinite 5 times in a row"), r.stderr)
        XCTAssertTrue(r.stderr.contains("update skipped"), r.stderr)
        let checkpoints = (try? FileManager.default.contentsOfDirectory(
            atPath: dir.appendingPathComponent("models/toy/checkpoints").path)) ?? []
        XCTAssertEqual(checkpoints, [])
    }

    func testUnwritableModelFolderIsAClearError() throws {
        let dir = try prepared()
        try AtomicFile.write(text: "not a folder\n", to: dir.appendingPathComponent("blocker").path)
        let r = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "blocker/model"], in: dir)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("blocker/model: could not create the folder"), r.stderr)
    }
}
