import _S2STestSupport
import Foundation
import S2SCore
import XCTest

/// What a user with bad input, bad options or bad luck (a second run, a full
/// disk) does to the commands: each case gets a clear error and loses
/// nothing that was written before.
final class HostileInputTests: XCTestCase {
    func prepared() throws -> URL { try Command.prepared("s2s-hostile") }

    let base = ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/toy", "--threads", "1"]
    var common: [String] { base + ["--preset", "tiny", "--batch-tokens", "0", "--batch-size", "32", "--learning-rate", "0.005"] }

    func bytes(_ dir: URL, _ names: [String]) -> [String: Data] {
        var out: [String: Data] = [:]
        for name in names { out[name] = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) }
        return out
    }

    // MARK: Data loss

    /// --resume with no usable checkpoint stops and leaves the folder as it was
    /// (it used to start from scratch and overwrite model.safetensors).
    func testResumeWithoutAUsableCheckpointChangesNothing() throws {
        let dir = try prepared()
        let first = try Command.run("s2s-train", common + ["--max-steps", "20", "--save-every", "10", "--valid-every", "10"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        let kept = ["models/toy/config.json", "models/toy/model.safetensors", "models/toy/train.jsonl"]
        let before = bytes(dir, kept)
        XCTAssertEqual(before.values.count { !$0.isEmpty }, 3)
        let checkpoints = dir.appendingPathComponent("models/toy/checkpoints")

        // Only a truncated checkpoint left.
        let last = checkpoints.appendingPathComponent("step-00000020.safetensors")
        try FileManager.default.removeItem(at: checkpoints.appendingPathComponent("step-00000010.safetensors"))
        let data = try Data(contentsOf: last)
        try data.prefix(data.count / 3).write(to: last)
        let truncated = try Command.run("s2s-train", base + ["--resume", "--max-steps", "2"], in: dir)
        XCTAssertEqual(truncated.status, 1, truncated.stderr)
        XCTAssertTrue(truncated.stderr.contains("models/toy/checkpoints: nothing to resume from (step-00000020.safetensors:"), truncated.stderr)
        XCTAssertTrue(truncated.stderr.contains("Nothing in the model folder was changed"), truncated.stderr)
        XCTAssertEqual(bytes(dir, kept), before)

        // No checkpoint at all.
        try FileManager.default.removeItem(at: last)
        let empty = try Command.run("s2s-train", base + ["--resume", "--max-steps", "2"], in: dir)
        XCTAssertEqual(empty.status, 1, empty.stderr)
        XCTAssertTrue(empty.stderr.contains("nothing to resume from (no checkpoint files)"), empty.stderr)
        XCTAssertEqual(bytes(dir, kept), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: checkpoints.path), [])

        // A new run does not start over a folder that holds a run's files.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("models/toy/config.json"))
        let fresh = try Command.run("s2s-train", common + ["--max-steps", "2"], in: dir)
        XCTAssertEqual(fresh.status, 64, fresh.stderr)
        XCTAssertTrue(fresh.stderr.contains("models/toy already holds a model (models/toy/model.safetensors)"), fresh.stderr)
        XCTAssertEqual(bytes(dir, Array(kept.dropFirst())), before.filter { $0.key != kept[0] })
    }

    /// Two runs on one model folder: the second stops at once and names the
    /// first's PID; s2s-average too. kill -9 leaves no lock behind.
    func testASecondRunOnTheSameFolderStopsAtOnce() throws {
        let dir = try prepared()
        let process = Process()
        process.environment = Command.environment
        process.executableURL = Command.binDirectory.appendingPathComponent("s2s-train")
        process.arguments = common + ["--max-steps", "1000000", "--save-every", "5", "--valid-every", "0"]
        process.currentDirectoryURL = dir
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let checkpoint = dir.appendingPathComponent("models/toy/checkpoints/step-00000005.safetensors").path
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: checkpoint) && process.isRunning && Date() < deadline { usleep(2000) }
        XCTAssertTrue(process.isRunning)
        let pid = process.processIdentifier

        let second = try Command.run("s2s-train", common + ["--max-steps", "3"], in: dir)
        XCTAssertEqual(second.status, 1, second.stderr)
        XCTAssertTrue(second.stderr.contains("models/toy: is in use by another s2s run (PID \(pid))"), second.stderr)
        let resumed = try Command.run("s2s-train", base + ["--resume"], in: dir)
        XCTAssertEqual(resumed.status, 1, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("(PID \(pid))"), resumed.stderr)
        let average = try Command.run("s2s-average", ["--model", "models/toy", "--last", "1"], in: dir)
        XCTAssertEqual(average.status, 1, average.stderr)
        XCTAssertTrue(average.stderr.contains("(PID \(pid))"), average.stderr)

        kill(pid, SIGKILL)
        process.waitUntilExit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/toy/.lock").path))
        let after = try Command.run("s2s-train", base + ["--resume", "--max-steps", "12"], in: dir)
        XCTAssertEqual(after.status, 0, "the lock died with the process: \(after.stderr)")
        let averaged = try Command.run("s2s-average", ["--model", "models/toy", "--last", "2"], in: dir)
        XCTAssertEqual(averaged.status, 0, averaged.stderr)
    }

    /// s2s-prep holds its output folders too: a run that finds them held
    /// (here by this test process) stops before writing anything.
    func testPrepStopsWhileItsOutputFoldersAreHeld() throws {
        let dir = TestPaths.temporaryFolder("s2s-hostile")
        let held = try FolderLock(folder: dir.appendingPathComponent("vocab/t").path)
        let r = try Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-reverse").path, "--name", "t", "-q"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("vocab/t: is in use by another s2s run (PID \(getpid()))"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("data/t/train.s2sb").path))
        held.release()
        let again = try Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-reverse").path, "--name", "t", "-q"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
    }

    /// A tmpfs of `bytes` mounted at DIR/small, and how to unmount it;
    /// skips the test, visibly, where mounting is refused (it needs root).
    func mountSmallDisk(in dir: URL, bytes: Int) throws -> (URL, () -> Void) {
        let mountPoint = dir.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mount = try Command.runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", mountPoint.path])
        guard mount.status == 0 else { throw XCTSkip("cannot mount a tmpfs here (needs root): \(mount.stderr)") }
        return (mountPoint, { _ = try? Command.runTool("/bin/umount", [mountPoint.path]) })
    }

    /// Training into a small file system until a checkpoint does not fit:
    /// the run stops naming the folder and the space, the earlier checkpoint
    /// and model.safetensors stay intact, and --resume goes on once space is
    /// freed. Needs `mount` (root); skipped, visibly, where it is refused.
    func testAFullDiskStopsCleanlyAndResumes() throws {
        let dir = try prepared()
        let (mountPoint, unmount) = try mountSmallDisk(in: dir, bytes: 4 << 20)
        defer { unmount() }
        // A tiny model's checkpoint is ~1.2 MB (parameters and Adam's two
        // moments), its model.safetensors ~0.4 MB: leave room for one of each.
        let filler = mountPoint.appendingPathComponent("filler")
        try Data(count: 2_200_000).write(to: filler)
        let args = ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "small/model", "--threads", "1", "--preset", "tiny",
                    "--batch-tokens", "0", "--batch-size", "32", "--save-every", "5", "--valid-every", "5",
                    "--bleu-sentences", "0", "--keep", "5"]
        let full = try Command.run("s2s-train", args + ["--max-steps", "100"], in: dir)
        XCTAssertEqual(full.status, 1, full.stderr)
        XCTAssertTrue(full.stderr.contains("small/model"), full.stderr)
        XCTAssertTrue(full.stderr.contains(": no space left to write "), full.stderr)
        XCTAssertTrue(full.stderr.contains("(it needs about "), full.stderr)
        XCTAssertTrue(full.stderr.contains("free). Training stopped; the previous checkpoint and model.safetensors are intact"), full.stderr)
        XCTAssertFalse(full.stderr.contains("Fatal error"), full.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: mountPoint.appendingPathComponent("model/checkpoints").path)
        XCTAssertEqual(names, ["step-00000005.safetensors"])
        let all = try FileManager.default.contentsOfDirectory(atPath: mountPoint.appendingPathComponent("model").path)
        XCTAssertFalse(all.contains { $0.contains(".tmp") }, "temporary files are removed: \(all)")
        // What is there still loads: translating with the best model works.
        let translate = try Command.run("s2s-translate", ["--model", "small/model"], in: dir, stdin: "ba ce\n")
        XCTAssertEqual(translate.status, 0, translate.stderr)

        try FileManager.default.removeItem(at: filler)
        let resumed = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "small/model",
                                                    "--resume", "--max-steps", "30", "--keep", "1"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resuming from small/model/checkpoints/step-"), resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("done: 30 steps"), resumed.stderr)
    }

    /// s2s-prep's outputs from a run where there is room (in DIR/reference):
    /// their paths under `small/` and the bytes they take together.
    func prepOutputsWithRoom(_ args: [String], in dir: URL) throws -> (reference: URL, outputs: [String], bytes: Int) {
        let reference = dir.appendingPathComponent("reference")
        try FileManager.default.createDirectory(at: reference, withIntermediateDirectories: true)
        let ok = try Command.run("s2s-prep", args, in: reference)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let outputs = try FileManager.default.subpathsOfDirectory(atPath: reference.appendingPathComponent("small").path)
            .filter { $0.hasSuffix("/t/" + ($0 as NSString).lastPathComponent) && !$0.hasSuffix(FolderLock.fileName) }
        let bytes = try outputs.reduce(0) {
            $0 + (try FileManager.default.attributesOfItem(atPath: reference.appendingPathComponent("small/" + $1).path)[.size] as! Int)
        }
        return (reference, outputs, bytes)
    }

    /// s2s-prep into a small file system that cannot hold its outputs: the
    /// error names the folder, the bytes the outputs need and the bytes free,
    /// and nothing is left (no shards without a vocabulary, no folders it
    /// made); with space freed the same run succeeds. Needs `mount` (root).
    func testPrepOnAFullDiskWritesNothingAndSaysHowMuchItNeeds() throws {
        let dir = TestPaths.temporaryFolder("s2s-hostile")
        let corpus = TestPaths.fixture("toy-reverse").path
        let args = ["--corpus", corpus, "--name", "t", "-q", "--vocab-dir", "small/vocab", "--data-dir", "small/data"]
        let (reference, outputs, needed) = try prepOutputsWithRoom(args, in: dir)
        XCTAssertEqual(outputs.count, 8, "\(outputs)")

        let (mountPoint, unmount) = try mountSmallDisk(in: dir, bytes: 1 << 20)
        defer { unmount() }
        // Room for the folders and half the outputs.
        let filler = mountPoint.appendingPathComponent("filler")
        try Data(count: 1 << 20 - needed / 2 - 16384).write(to: filler)

        let full = try Command.run("s2s-prep", args, in: dir)
        XCTAssertEqual(full.status, 1, full.stderr)
        XCTAssertTrue(full.stderr.contains("small/data/t: no space left to write "), full.stderr)
        XCTAssertTrue(full.stderr.contains(": the prepared data needs \(needed) bytes on that disk, "), full.stderr)
        XCTAssertTrue(full.stderr.contains(" bytes are free. No output was written or replaced. Free some space there"), full.stderr)
        XCTAssertFalse(full.stderr.contains("Fatal error"), full.stderr)
        let free = full.stderr.components(separatedBy: "on that disk, ").last?.split(separator: " ").first.flatMap { Int($0) }
        XCTAssertNotNil(free, full.stderr)
        XCTAssertLessThan(free ?? .max, needed)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path), ["filler"],
                       "no shards, no vocabulary, no folders the run made")

        try FileManager.default.removeItem(at: filler)
        let again = try Command.run("s2s-prep", args, in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        for name in outputs {
            XCTAssertEqual(FileManager.default.contents(atPath: mountPoint.appendingPathComponent(name).path),
                           FileManager.default.contents(atPath: reference.appendingPathComponent("small/" + name).path), name)
        }
    }

    /// The tokens s2s-prep spills for its later passes take room beside the
    /// outputs: on a disk where the outputs fit but not beside the spill
    /// (about 88 KB for the toy corpus), the run writes them again from the
    /// text, and they are the bytes a run with room writes. Needs `mount`.
    func testPrepWhoseOutputsFitOnlyWithoutItsSpilledTokensWritesThem() throws {
        let dir = TestPaths.temporaryFolder("s2s-hostile")
        let args = ["--corpus", TestPaths.fixture("toy-reverse").path, "--name", "t", "--vocab-dir", "small/vocab", "--data-dir", "small/data"]
        let (reference, outputs, needed) = try prepOutputsWithRoom(args + ["-q"], in: dir)

        let (mountPoint, unmount) = try mountSmallDisk(in: dir, bytes: 1 << 20)
        defer { unmount() }
        // Room for the outputs (whole 4 KB pages, two lock files) but not for the spill too.
        try Data(count: 1 << 20 - needed - 48 << 10).write(to: mountPoint.appendingPathComponent("filler"))
        let r = try Command.run("s2s-prep", args, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("the outputs did not fit beside the spilled tokens: writing them again from the text"), r.stderr)
        for name in outputs {
            XCTAssertEqual(FileManager.default.contents(atPath: mountPoint.appendingPathComponent(name).path),
                           FileManager.default.contents(atPath: reference.appendingPathComponent("small/" + name).path), name)
        }
    }

    /// Output to a full device (/dev/full) is an error with exit 1, not
    /// lost output with exit 0.
    func testAFullStandardOutputIsAnError() throws {
        let dir = try prepared()
        let bin = Command.binDirectory.path
        let ref = TestPaths.fixture("toy-reverse/test.tgt").path
        let score = try Command.runTool("/bin/bash", ["-c", "'\(bin)/s2s-score' --ref '\(ref)' --hyp '\(ref)' > /dev/full"])
        XCTAssertEqual(score.status, 1, score.stderr)
        XCTAssertTrue(score.stderr.contains("standard output: could not write: No space left on device"), score.stderr)
        let train = try Command.run("s2s-train", common + ["--max-steps", "2"], in: dir)
        XCTAssertEqual(train.status, 0, train.stderr)
        let translate = try Command.runTool("/bin/bash", ["-c", "echo 'ba ce' | '\(bin)/s2s-translate' --model '\(dir.path)/models/toy' > /dev/full"])
        XCTAssertEqual(translate.status, 1, translate.stderr)
        XCTAssertTrue(translate.stderr.contains("standard output: could not write"), translate.stderr)
    }

    // MARK: Options

    func testImpossibleModelSizeIsRefusedBeforeAnythingIsWritten() throws {
        let dir = try prepared()
        let r = try Command.run("s2s-train", base + ["--hidden-size", "100000"], in: dir)
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("This model needs about "), r.stderr)
        XCTAssertTrue(r.stderr.contains(" GB of memory to train (--embedding-size 256 --hidden-size 100000 --layers 2"), r.stderr)
        XCTAssertTrue(r.stderr.contains(" are available. Lower --hidden-size"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/toy").path))
        // Sizes beyond any machine are a configuration error, not an overflow.
        let huge = try Command.run("s2s-train", base + ["--hidden-size", "9223372036854775807"], in: dir)
        XCTAssertEqual(huge.status, 64, huge.stderr)
        XCTAssertTrue(huge.stderr.contains("hidden_size: must be at most 1048576") || huge.stderr.contains("must be at most 1048576"), huge.stderr)
        // A normal run still starts after the refusals.
        let ok = try Command.run("s2s-train", common + ["--max-steps", "2"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// One enormous pair (kept by s2s-prep --max-len 0) sets the memory
    /// need: the refusal names it (pair, corpus line, subwords) and the
    /// --max-len that drops it, not the batch options, which cannot lower it.
    func testAnEnormousPairIsNamedWithTheMaxLenThatDropsIt() throws {
        let dir = TestPaths.temporaryFolder("s2s-hostile")
        let corpus = dir.appendingPathComponent("c")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        var source = Array(repeating: "a b c d e", count: 30), target = Array(repeating: "v w x y z", count: 30)
        source[11] = Array(repeating: "a", count: 1_000_000).joined(separator: " ")
        target[11] = Array(repeating: "z", count: 1_000_000).joined(separator: " ")
        try Data((source.joined(separator: "\n") + "\n").utf8).write(to: corpus.appendingPathComponent("train.src"))
        try Data((target.joined(separator: "\n") + "\n").utf8).write(to: corpus.appendingPathComponent("train.tgt"))
        let prep = try Command.run("s2s-prep", ["--corpus", "c", "--name", "c", "-q", "--max-len", "0", "--bpe-merges", "0"], in: dir)
        XCTAssertEqual(prep.status, 0, prep.stderr)
        let r = try Command.run("s2s-train", ["--data", "data/c", "--vocab", "vocab/c", "--model", "models/c", "--preset", "tiny",
                                              "--threads", "1"], in: dir)
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("The longest training pair sets this need: pair 12 of data/c/train.s2sb (line 12 of c/train.src) has 1000000 source and 1000000 target subwords, and needs about "), r.stderr)
        XCTAssertTrue(r.stderr.contains(" alone in a batch, which --batch-tokens and --pass-tokens cannot lower. s2s-prep --max-len 5 drops it, or split that line."), r.stderr)
        XCTAssertFalse(r.stderr.contains("Lower --hidden-size"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/c").path))
    }

    func testNonFiniteAndNegativeNumbersAreRefused() throws {
        let dir = try prepared()
        let train: [([String], String)] = [
            (["--learning-rate", "nan"], "--learning-rate must be a positive finite number, not nan."),
            (["--learning-rate", "inf"], "--learning-rate must be a positive finite number, not inf."),
            (["--dropout", "nan"], "--dropout must be a finite number, not nan."),
            (["--clip", "-inf"], "--clip must be a finite number, not -inf."),
            (["--max-time", "-1"], "--max-time '-1' is not a duration"),
            (["--max-steps", "-3"], "--max-steps must be at least 0, not -3."),
        ]
        for (extra, message) in train {
            let r = try Command.run("s2s-train", base + extra, in: dir)
            XCTAssertEqual(r.status, 64, "\(extra): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(extra): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/toy").path), "\(extra)")
        }
        for (spelling, message) in [(["--bpe-merges", "-5"], "--bpe-merges must be 0 or more, not -5."),
                                    (["--bpe-merges=-5"], "--bpe-merges must be 0 or more, not -5."),
                                    (["--max-len", "-1"], "--max-len must be 0 (no limit) or more.")] {
            let r = try Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-reverse").path, "--name", "x"] + spelling, in: dir)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains(message), "\(spelling): \(r.stderr)")
        }
    }

    /// Options given with --resume: stopping, validation and reporting take
    /// effect; what would change the model or its training is refused.
    func testOptionsGivenWithResume() throws {
        let dir = try prepared()
        let first = try Command.run("s2s-train", common + ["--max-steps", "10", "--save-every", "10", "--valid-every", "10"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("(greedy, 100 sentences)"), first.stderr)
        let refused = try Command.run("s2s-train", base + ["--resume", "--hidden-size", "32", "--learning-rate", "0.1"], in: dir)
        XCTAssertEqual(refused.status, 64, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--hidden-size 32 (the run has 64), --learning-rate 0.1 (the run has 0.005) would change the model or its training"), refused.stderr)
        // A preset counts by its sizes.
        let preset = try Command.run("s2s-train", base + ["--resume", "--preset", "small"], in: dir)
        XCTAssertEqual(preset.status, 64, preset.stderr)
        XCTAssertTrue(preset.stderr.contains("--preset small (--embedding-size 256; the run has 64), --preset small (--hidden-size 256; the run has 64), --preset small (--layers 2; the run has 1) would change"), preset.stderr)
        // The first command line again, plus --resume: every value is the run's.
        let resumed = try Command.run("s2s-train", common + ["--seed", "1", "--resume", "--max-steps", "20", "--bleu-sentences", "5"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("valid at step 20"), resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("(greedy, 5 sentences)"), resumed.stderr)
        let config = try String(contentsOf: dir.appendingPathComponent("models/toy/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"bleu_sentences\" : 5") && config.contains("\"max_steps\" : 20"), config)
        XCTAssertTrue(config.contains("\"hidden_size\" : 64"), config)
        // --config: the same rule.
        let copied = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/b",
                                                   "--config", "models/toy/config.json", "--dropout", "0.5"], in: dir)
        XCTAssertEqual(copied.status, 64, copied.stderr)
        XCTAssertTrue(copied.stderr.contains("--config takes the model and its training from models/toy/config.json; --dropout 0.5 (the file has 0.2) would change the model or its training"), copied.stderr)
        let same = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/b", "--threads", "1",
                                                 "--config", "models/toy/config.json", "--dropout", "0.2", "--preset", "tiny",
                                                 "--max-steps", "22"], in: dir)
        XCTAssertEqual(same.status, 0, same.stderr)
    }

    // MARK: Bad files

    func testNoUsableTrainingPairsIsAnError() throws {
        let dir = TestPaths.temporaryFolder("s2s-hostile")
        let corpus = dir.appendingPathComponent("c")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for name in ["train.src", "train.tgt"] { try Data().write(to: corpus.appendingPathComponent(name)) }
        let empty = try Command.run("s2s-prep", ["--corpus", "c", "-q"], in: dir)
        XCTAssertEqual(empty.status, 1, empty.stderr)
        XCTAssertTrue(empty.stderr.contains("c/train.src: train: 0 usable pairs (the files hold no lines)"), empty.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["c"], "no folder the run made is left")

        try Data("a b c\n\nd e f\n".utf8).write(to: corpus.appendingPathComponent("train.src"))
        try Data("x y z\nq\nu v w\n".utf8).write(to: corpus.appendingPathComponent("train.tgt"))
        let dropped = try Command.run("s2s-prep", ["--corpus", "c", "-q", "--max-len", "2", "--bpe-merges", "0"], in: dir)
        XCTAssertEqual(dropped.status, 1, dropped.stderr)
        XCTAssertTrue(dropped.stderr.contains("train: 0 usable pairs (3 dropped: 1 empty, 2 longer than --max-len 2)"), dropped.stderr)
        XCTAssertTrue(dropped.stderr.contains("Raise --max-len"), dropped.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["c"], "no folder the run made is left")
    }

    func testAFileWhereAFolderShouldBe() throws {
        let dir = TestPaths.temporaryFolder("s2s-hostile")
        try Data("x\n".utf8).write(to: dir.appendingPathComponent("some"))
        let r = try Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-reverse").path, "--name", "t", "-q",
                                             "--vocab-dir", "some/file/v"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("some is a file, not a folder"), r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["some"],
                       "stopped before writing the data, and took away the folders it made")
    }

    func testUTF16AndUTF32FilesAreNamed() throws {
        let dir = TestPaths.temporaryFolder("s2s-hostile")
        let corpus = dir.appendingPathComponent("c")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let cases: [(String.Encoding, String, String)] = [
            (.utf16LittleEndian, "FF FE", "UTF-16"), (.utf16BigEndian, "FE FF", "UTF-16"),
            (.utf32LittleEndian, "FF FE 00 00", "UTF-32"), (.utf32BigEndian, "00 00 FE FF", "UTF-32"),
        ]
        for (encoding, mark, name) in cases {
            let bom: [UInt8] = mark.split(separator: " ").map { UInt8($0, radix: 16)! }
            let text = Data(bom) + "hello world\nbye\n".data(using: encoding)!
            try text.write(to: corpus.appendingPathComponent("train.src"))
            try Data("hola mundo\nadiós\n".utf8).write(to: corpus.appendingPathComponent("train.tgt"))
            let r = try Command.run("s2s-prep", ["--corpus", "c", "-q"], in: dir)
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("c/train.src:1: is encoded in \(name) ("), "\(mark): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("byte-order mark \(mark)), not UTF-8"), "\(mark): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("iconv -f \(name) -t UTF-8"), r.stderr)
            XCTAssertFalse(r.stderr.contains("LATIN1"), r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["c"], "no folder the run made is left")
        }
    }
}
