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
        XCTAssertTrue(bad.stderr.contains("The value 'lstn' is invalid for '--cell <cell>': expected lstm, gru or rnn."), bad.stderr)
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
        try XCTSkipUnless(CPUFeatures.current.contains(.bfloat16), "no AVX512_BF16: --precision auto trains in float32 here")
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
    /// keeps it and refuses another --precision.
    func testPrecisionIsRecordedAndKept() throws {
        let dir = try prepared()
        let r = try Command.run("s2s-train", common + ["--max-steps", "4"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let config = try String(contentsOf: dir.appendingPathComponent("models/toy/config.json"), encoding: .utf8)
        let want = CPUFeatures.current.contains(.bfloat16) ? "bfloat16" : "float32"
        XCTAssertTrue(config.contains("\"precision\" : \"\(want)\"") || config.contains("\"precision\":\"\(want)\""), config)
        XCTAssertTrue(r.stderr.contains("products in \(want)"), r.stderr)
        // The stored precision may be repeated; the other is refused (or,
        // bfloat16 on a CPU without it, refused at once).
        let other = want == "float32" ? "bfloat16" : "float32"
        let again = try Command.run("s2s-train", common + ["--resume", "--max-steps", "6", "--precision", other], in: dir)
        XCTAssertEqual(again.status, 64, again.stderr)
        XCTAssertTrue(again.stderr.contains("--precision"), again.stderr)
        let same = try Command.run("s2s-train", common + ["--resume", "--max-steps", "6", "--precision", want], in: dir)
        XCTAssertEqual(same.status, 0, same.stderr)
        let bad = try Command.run("s2s-train", common + ["--precision", "half"], in: try prepared())
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("The value 'half' is invalid for '--precision <P>': expected float32, bfloat16 or auto."), bad.stderr)
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
            (["--teacher-forcing", "2"], "The value '2' is invalid for '--teacher-forcing <teacher-forcing>': expected a probability"),
            (["--bidirectional", "--hidden-size", "63"], "(option --hidden-size)"),
            (["--attention", "bahdanau"], "The value 'bahdanau' is invalid for '--attention <attention>': expected none, dot, general or concat."),
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
        XCTAssertTrue(bad.stderr.contains("bad.json: model.hidden_size must be a whole number, not \"big\""), bad.stderr)
    }

    /// config.json's training section passes the checks of the command line
    /// (TrainingOptions.validate): through --config and --resume a bad value
    /// is named by file and key, on the command line by option, and a value
    /// of the wrong kind by the kind that belongs there.
    func testTrainingOptionsAreCheckedWhateverTheirSource() throws {
        let dir = try prepared()
        let first = try Command.run("s2s-train", common + ["--max-steps", "2", "--bleu-sentences", "0"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        let configPath = dir.appendingPathComponent("models/toy/config.json").path
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        func edited(_ key: String, _ value: String) throws -> String {
            let pattern = try NSRegularExpression(pattern: "\"\(key)\" : [^,\n]*")
            let range = NSRange(text.startIndex..., in: text)
            XCTAssertEqual(pattern.numberOfMatches(in: text, range: range), 1, key)
            return pattern.stringByReplacingMatches(in: text, range: range, withTemplate: "\"\(key)\" : \(value)")
        }
        let cases: [(String, String, String, [String]?)] = [
            ("learning_rate", "-1", "must be a positive finite number, not -1", ["--learning-rate", "-1"]),
            ("batch_tokens", "-5", "must be at least 0, not -5", ["--batch-tokens", "-5"]),
            ("clip", "-1", "must be 0 (off) or positive, not -1", ["--clip", "-1"]),
            ("keep_checkpoints", "-1", "must be at least 1, not -1", ["--keep", "-1"]),
            ("save_every", "-3", "must be at least 0, not -3", ["--save-every", "-3"]),
            ("decay_factor", "7", "must be in (0, 1], not 7", ["--decay-factor", "7"]),
            ("warmup_steps", "-10", "must be at least 0, not -10", ["--warmup-steps", "-10"]),
            ("batch_size", "0", "must be at least 1, not 0", ["--batch-size", "0"]),
            ("report_every", "-1", "must be at least 0, not -1", ["--report-every", "-1"]),
            ("max_non_finite", "0", "must be at least 1, not 0", nil),
            ("batch_size", "64.5", "must be a whole number, not 64.5", nil),
            ("batch_size", "1e30", "must be a whole number, not 1e+30", nil),
            ("seed", "-1", "must be a whole number from 0 to 18446744073709551615, not -1", nil),
            ("optimizer", "\"adamw\"", "must be one of adam, sgd, not \"adamw\"", nil),
        ]
        for (key, value, message, option) in cases {
            try AtomicFile.write(text: try edited(key, value), to: dir.appendingPathComponent("bad.json").path)
            let viaConfig = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/bad",
                                                          "--config", "bad.json"], in: dir)
            XCTAssertEqual(viaConfig.status, 1, "\(key) \(value): \(viaConfig.stderr)")
            XCTAssertTrue(viaConfig.stderr.contains("bad.json: training.\(key) \(message)."), "\(key) \(value): \(viaConfig.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/bad").path))
            if let option {
                let direct = try Command.run("s2s-train", common + option + ["--model", "models/bad"], in: dir)
                XCTAssertEqual(direct.status, 64, "\(option): \(direct.stderr)")
                XCTAssertTrue(direct.stderr.contains("\(option[0]) \(message)."), "\(option): \(direct.stderr)")
            }
        }
        // --resume reads the model's own config.json the same way: no
        // gradient ascent from an edited learning rate.
        try AtomicFile.write(text: try edited("learning_rate", "-1"), to: configPath)
        let resumed = try Command.run("s2s-train", common + ["--resume", "--max-steps", "4"], in: dir)
        XCTAssertEqual(resumed.status, 1, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("models/toy/config.json: training.learning_rate must be a positive finite number, not -1."), resumed.stderr)
    }

    /// --shares is bounded by the sentences a batch holds: a share without a
    /// sentence is refused at once (it used to allocate gigabytes first),
    /// naming the batch size, or the token budget and the longest pair.
    func testSharesAreBoundedByTheBatch() throws {
        let dir = try prepared()
        let start = Date()
        let bySize = try Command.run("s2s-train", common + ["--shares", "1000000000"], in: dir)
        XCTAssertEqual(bySize.status, 64, bySize.stderr)
        XCTAssertTrue(bySize.stderr.contains("--shares must be at most --batch-size (32) with --batch-tokens 0, so that every share of a batch has a sentence, not 1000000000."), bySize.stderr)
        let byTokens = try Command.run("s2s-train", common + ["--batch-tokens", "200", "--shares", "1000000000"], in: dir)
        XCTAssertEqual(byTokens.status, 64, byTokens.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "refused before any work")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/toy").path))
        let prefix = "--shares must be at most "
        let message = try XCTUnwrap(byTokens.stderr.components(separatedBy: prefix).last, byTokens.stderr)
        XCTAssertTrue(message.contains(", the sentences a batch of --batch-tokens 200 holds when its sentences are as long as the longest ("), message)
        XCTAssertTrue(message.contains("not 1000000000."), message)
        // The bound itself is accepted, and trains.
        let bound = try XCTUnwrap(Int(message.prefix { $0.isNumber }), message)
        XCTAssertGreaterThan(bound, 1)
        let ok = try Command.run("s2s-train", common + ["--batch-tokens", "200", "--shares", "\(bound)", "--max-steps", "2"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stderr.contains("\(bound) shares a batch"), ok.stderr)
    }

    /// A checkpoint records its training data (path, pair count, content
    /// hash): --resume on other pairs over the same vocabulary is refused,
    /// naming both, unless --new-data, which restarts the data cursor. A
    /// checkpoint that recorded the older FNV-1a hash is compared by it; one
    /// written before the record resumes as it did.
    func testResumeOnOtherDataNeedsNewData() throws {
        let dir = try prepared()
        let first = try Command.run("s2s-train", common + ["--max-steps", "10", "--valid-every", "0"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        // Other pairs, the same vocabulary: the validation shard as training data.
        let other = dir.appendingPathComponent("data/other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        for name in ["train.s2sb", "valid.s2sb"] {
            try FileManager.default.copyItem(at: dir.appendingPathComponent("data/toy/valid.s2sb"), to: other.appendingPathComponent(name))
        }
        let checkpoint = "models/toy/checkpoints/step-00000010.safetensors"
        let pristine = try Data(contentsOf: dir.appendingPathComponent(checkpoint))
        let args = common.map { $0 == "data/toy" ? "data/other" : $0 } + ["--resume", "--max-steps", "12", "--valid-every", "0"]
        let refused = try Command.run("s2s-train", args, in: dir)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("\(checkpoint): was trained on data/toy/train.s2sb ("), refused.stderr)
        XCTAssertTrue(refused.stderr.contains(" pairs, content hash "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("), but --data gives data/other/train.s2sb ("), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("add --new-data to continue on this data"), refused.stderr)

        let moved = try Command.run("s2s-train", args + ["--new-data"], in: dir)
        XCTAssertEqual(moved.status, 0, moved.stderr)
        XCTAssertTrue(moved.stderr.contains("--new-data: training on data/other/train.s2sb ("), moved.stderr)
        XCTAssertTrue(moved.stderr.contains("instead of data/toy/train.s2sb ("), moved.stderr)
        XCTAssertTrue(moved.stderr.contains("the data cursor restarts at epoch 1, batch 1 (it was at epoch 1, batch 11)"), moved.stderr)
        let config = try String(contentsOf: dir.appendingPathComponent("models/toy/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"data\" : \"data/other\""), config)

        // Checkpoints as s2s wrote them before: with the FNV-1a record, then without any.
        func rewrite(_ change: (inout [String: String]) throws -> Void) throws {
            var bytes = Array(pristine)
            let n = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            var header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any])
            var metadata = try XCTUnwrap(header["__metadata__"] as? [String: String])
            try change(&metadata)
            header["__metadata__"] = metadata
            let json = try Array(JSONSerialization.data(withJSONObject: header))
            XCTAssertLessThanOrEqual(json.count, n)
            bytes.replaceSubrange(8..<(8 + n), with: json + Array(repeating: UInt8(ascii: " "), count: n - json.count))
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("models/toy/checkpoints").path) {
                try FileManager.default.removeItem(at: dir.appendingPathComponent("models/toy/checkpoints/" + name))
            }
            try Data(bytes).write(to: dir.appendingPathComponent(checkpoint))
        }
        let toyShard = try Data(contentsOf: dir.appendingPathComponent("data/toy/train.s2sb"))
        try rewrite {
            XCTAssertNotNil($0.removeValue(forKey: "s2s.train.data_xxh64"))
            $0["s2s.train.data_hash"] = String(FNV1a64.hash(toyShard), radix: 16)
        }
        let fnvOther = try Command.run("s2s-train", args, in: dir)
        XCTAssertEqual(fnvOther.status, 1, fnvOther.stderr)
        XCTAssertTrue(fnvOther.stderr.contains("content hash FNV-1a "), fnvOther.stderr)
        let fnvSame = try Command.run("s2s-train", common + ["--resume", "--max-steps", "12", "--valid-every", "0"], in: dir)
        XCTAssertEqual(fnvSame.status, 0, fnvSame.stderr)
        XCTAssertTrue(fnvSame.stderr.contains("resuming from \(checkpoint) (step 10, epoch 1)"), fnvSame.stderr)
        try rewrite { XCTAssertNotNil($0.removeValue(forKey: "s2s.train.data_xxh64")) }
        let old = try Command.run("s2s-train", args, in: dir)
        XCTAssertEqual(old.status, 0, old.stderr)
        XCTAssertTrue(old.stderr.contains("resuming from \(checkpoint) (step 10, epoch 1)"), old.stderr)
    }

    /// A run that stopped before its first checkpoint (NaN at once) leaves
    /// nothing to resume: --resume says so and names the command that works,
    /// which starts the folder afresh and says what it resets.
    func testARunWithoutACheckpointStartsAfresh() throws {
        let dir = try prepared()
        let nan = try Command.run("s2s-train", common + ["--learning-rate", "1e38", "--clip", "0", "--max-steps", "50"], in: dir)
        XCTAssertEqual(nan.status, 1, nan.stderr)
        XCTAssertTrue(nan.stderr.contains("the loss was NaN or infinite 5 times in a row"), nan.stderr)
        for extra in [[], ["--learning-rate", "0.001"]] {
            let resumed = try Command.run("s2s-train", common + ["--resume", "--max-steps", "3"] + extra, in: dir)
            XCTAssertEqual(resumed.status, 64, resumed.stderr)
            XCTAssertTrue(resumed.stderr.contains("models/toy holds a run that never wrote a checkpoint (it stopped before its first): there is nothing to resume. Start it afresh with the same command without --resume"), resumed.stderr)
        }
        let fresh = try Command.run("s2s-train", common + ["--max-steps", "3", "--report-every", "1", "--valid-every", "0"], in: dir)
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        XCTAssertTrue(fresh.stderr.contains("models/toy holds a run that never wrote a checkpoint (config.json, train.jsonl): starting it afresh"), fresh.stderr)
        XCTAssertEqual(try losses(dir).keys.sorted(), [1, 2, 3])
        let config = try String(contentsOf: dir.appendingPathComponent("models/toy/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"learning_rate\" : 0.005"), config)
        // Now it holds a checkpoint: a new run is refused again.
        let again = try Command.run("s2s-train", common + ["--max-steps", "3"], in: dir)
        XCTAssertEqual(again.status, 64, again.stderr)
        XCTAssertTrue(again.stderr.contains("models/toy already holds a model"), again.stderr)
    }

    /// kill -9 in a checkpoint write leaves `.NAME.tmp-PID`: the next run in
    /// the folder removes those whose process has ended, and says so; a
    /// running process's is left alone.
    func testTheNextRunRemovesTemporaryFilesOfEndedRuns() throws {
        let dir = try prepared()
        let first = try Command.run("s2s-train", common + ["--max-steps", "4", "--valid-every", "0"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let stale = "models/toy/checkpoints/.step-00000020.safetensors.tmp-\(ended.processIdentifier)"
        let staleBest = "models/toy/.model.safetensors.tmp-\(ended.processIdentifier)"
        let live = "models/toy/checkpoints/.step-00000030.safetensors.tmp-\(getpid())"
        for name in [stale, staleBest, live] {
            try Data(repeating: 7, count: 3000).write(to: dir.appendingPathComponent(name))
        }
        let r = try Command.run("s2s-train", common + ["--resume", "--max-steps", "5", "--valid-every", "0"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in [stale, staleBest] {
            XCTAssertTrue(r.stderr.contains("removed \(name) ("), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), name)
        }
        XCTAssertTrue(r.stderr.contains("(PID \(ended.processIdentifier)) that was stopped while writing it"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(live).path))
        XCTAssertFalse(r.stderr.contains(live), r.stderr)
    }

    /// --max-wall-time counts the whole process, validation and checkpoints
    /// included (--max-time counts the updates alone): with a validation
    /// every 5 updates the run stops in time, its checkpoint written.
    func testMaxWallTimeCountsEverything() throws {
        let dir = try prepared()
        let limit = 4.0
        let start = Date()
        let r = try Command.run("s2s-train", common + ["--hidden-size", "128", "--max-wall-time", "\(Int(limit))s",
                                                        "--valid-every", "5", "--save-every", "5", "--report-every", "1"], in: dir)
        let wall = Date().timeIntervalSince(start)
        XCTAssertEqual(r.status, 0, r.stderr)
        // The margin: the binary's loading before main and the exit after
        // the last write, on a machine other tests share.
        XCTAssertLessThan(wall, limit + 1.5, r.stderr)
        XCTAssertTrue(r.stderr.contains("--max-wall-time 4.00 s: stopping after step "), r.stderr)
        let steps = try XCTUnwrap(try losses(dir).keys.max())
        XCTAssertGreaterThan(steps, 5, "it trained and validated before stopping")
        let checkpoint = String(format: "models/toy/checkpoints/step-%08d.safetensors", steps)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(checkpoint).path), checkpoint)
        let text = try String(contentsOf: dir.appendingPathComponent("models/toy/train.jsonl"), encoding: .utf8)
        XCTAssertGreaterThan(text.components(separatedBy: "\"kind\":\"valid\"").count - 1, 1, text)
        let bad = try Command.run("s2s-train", common + ["--max-wall-time", "soon", "--model", "models/x"], in: dir)
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--max-wall-time 'soon' is not a duration such as 90s, 30m or 8h."), bad.stderr)
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
