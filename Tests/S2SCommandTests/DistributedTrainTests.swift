import _S2STestSupport
import Foundation
import XCTest

/// `mpirun s2s-train`: data-parallel training on Open MPI gives one
/// process's trajectory, resumes on another process count, ends cleanly on
/// a lost rank or Ctrl-C, refuses ranks on other data, and runs across two
/// hosts (network namespaces on this machine). Skipped, visibly, where Open
/// MPI is not installed (tools/setup.sh --mpi; tools/test.sh installs it).
final class DistributedTrainTests: XCTestCase {
    override func setUpWithError() throws {
        guard MPIJob.mpirun != nil else { throw XCTSkip("Open MPI is not installed (tools/setup.sh --mpi)") }
    }

    func prepared() throws -> URL { try Command.prepared("s2s-mpi") }

    /// Dropout on, so that each share's own random stream matters; one
    /// thread, so that two processes fit the machine's two cores.
    let model = ["--preset", "tiny", "--batch-tokens", "0", "--batch-size", "32", "--learning-rate", "0.005",
                 "--dropout", "0.3"]
    func control(_ name: String, steps: Int, saveEvery: Int = 500) -> [String] {
        ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/\(name)", "--threads", "1",
         "--max-steps", "\(steps)", "--report-every", "1", "--valid-every", "\(steps)", "--save-every", "\(saveEvery)",
         "--bleu-sentences", "0"]
    }

    /// Runs an mpirun job to its end (at most two minutes) and checks it succeeded.
    @discardableResult
    func mpirun(_ processes: Int, _ arguments: [String], in dir: URL, options: [String] = []) throws -> String {
        let job = try MPIJob(processes: processes, mpirunOptions: options, command: "s2s-train", arguments, in: dir)
        let result = try XCTUnwrap(job.wait(seconds: 120), "mpirun did not finish in 120 s:\n\(job.outputSoFar)")
        XCTAssertEqual(result.status, 0, result.output)
        return result.output
    }

    func train(_ arguments: [String], in dir: URL) throws {
        let r = try Command.run("s2s-train", arguments, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// The bytes of a file of a model folder.
    func bytes(_ dir: URL, _ path: String) throws -> Data {
        try Data(contentsOf: dir.appendingPathComponent("models/" + path))
    }

    /// The loss of every train record, as bit patterns.
    func losses(_ dir: URL, _ name: String) throws -> [UInt64] {
        let text = try String(contentsOf: dir.appendingPathComponent("models/\(name)/train.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return object["kind"] as? String == "train" ? (object["loss"] as? Double)?.bitPattern : nil
        }
    }

    /// Two processes train the same run, bit for bit, as one process
    /// computing the same two shares of every batch; rank 0 alone writes
    /// (the folder holds what the one process's holds); a run checkpointed
    /// on two processes continues on one, and one on one continues on two,
    /// along the same trajectory.
    func testTwoProcessesFollowTheOneProcessTrajectoryAndResumeOnEither() throws {
        let dir = try prepared()
        let output = try mpirun(2, model + control("two", steps: 12, saveEvery: 6), in: dir)
        XCTAssertTrue(output.contains("2 processes, 2 shares a batch"), output)
        XCTAssertFalse(output.contains("rank 1 of 2"), "rank 1 says nothing when all is well:\n\(output)")
        try train(model + ["--shares", "2"] + control("one", steps: 12, saveEvery: 6), in: dir)

        let two = try losses(dir, "two"), one = try losses(dir, "one")
        XCTAssertEqual(two.count, 12)
        XCTAssertEqual(two, one, "the same loss at every update")
        XCTAssertEqual(try bytes(dir, "two/model.safetensors"), try bytes(dir, "one/model.safetensors"))
        XCTAssertEqual(try bytes(dir, "two/checkpoints/step-00000012.safetensors"),
                       try bytes(dir, "one/checkpoints/step-00000012.safetensors"))
        let files = { (name: String) in
            try FileManager.default.subpathsOfDirectory(atPath: dir.appendingPathComponent("models/" + name).path).sorted()
        }
        XCTAssertEqual(try files("two"), try files("one"))
        // The shares are what makes the trajectory: one share is another run.
        try train(model + control("unshared", steps: 12), in: dir)
        XCTAssertNotEqual(try losses(dir, "unshared"), one)

        // Two processes to step 6, then one process from its checkpoint.
        _ = try mpirun(2, model + control("twoThenOne", steps: 6, saveEvery: 6), in: dir)
        try train(control("twoThenOne", steps: 12, saveEvery: 6) + ["--resume"], in: dir)
        XCTAssertEqual(try bytes(dir, "twoThenOne/checkpoints/step-00000012.safetensors"),
                       try bytes(dir, "two/checkpoints/step-00000012.safetensors"))
        XCTAssertEqual(try losses(dir, "twoThenOne"), two)
        // One process (two shares) to step 6, then two processes.
        try train(model + ["--shares", "2"] + control("oneThenTwo", steps: 6, saveEvery: 6), in: dir)
        let resumed = try mpirun(2, control("oneThenTwo", steps: 12, saveEvery: 6) + ["--resume"], in: dir)
        XCTAssertTrue(resumed.contains("resuming from"), resumed)
        XCTAssertEqual(try bytes(dir, "oneThenTwo/checkpoints/step-00000012.safetensors"),
                       try bytes(dir, "two/checkpoints/step-00000012.safetensors"))
    }

    /// --accumulate 2: an update adds two batches' gradients (half the
    /// updates per epoch), and two processes still follow one process.
    /// Three processes on two shares: the third computes nothing, is told
    /// so, and the trajectory is the same.
    func testAccumulatedBatchesAndAnIdleRankKeepTheTrajectory() throws {
        let dir = try prepared()
        let extra = ["--accumulate", "2", "--max-epochs", "1"]
        _ = try mpirun(2, model + extra + control("two", steps: 1000), in: dir)
        try train(model + extra + ["--shares", "2"] + control("one", steps: 1000), in: dir)
        let two = try losses(dir, "two")
        // 2000 pairs in batches of 32: 63 batches, 32 updates of two (the last of one).
        XCTAssertEqual(two.count, 32)
        XCTAssertEqual(two, try losses(dir, "one"))
        XCTAssertEqual(try bytes(dir, "two/model.safetensors"), try bytes(dir, "one/model.safetensors"))

        let three = try mpirun(3, model + ["--shares", "2"] + control("three", steps: 8), in: dir)
        XCTAssertTrue(three.contains("1 of the 3 processes have no share to compute"), three)
        try train(model + ["--shares", "2"] + control("oneOfTwo", steps: 8), in: dir)
        XCTAssertEqual(try bytes(dir, "three/model.safetensors"), try bytes(dir, "oneOfTwo/model.safetensors"))
    }

    /// Four shares on two processes: rank 0 sums shares 0 and 2, rank 1
    /// shares 1 and 3, and the allreduce adds the two sums, where one
    /// process adds the four in order; float32 addition is not associative,
    /// so the gradients differ in their last bits (about 2⁻²⁴ relative) and
    /// the runs agree to rounding, not bit for bit. The bound, in float32
    /// products: the losses of 12 updates within 1e-6 relative (measured on
    /// an AMD EPYC Zen 4: 4.5e-9 at most). In bfloat16 products a last-bit
    /// difference in a weight can flip its bfloat16 rounding, and the same
    /// run measured 2.1e-5.
    func testFourSharesOnTwoProcessesAgreeToRounding() throws {
        let dir = try prepared()
        let four = model + ["--shares", "4", "--precision", "float32"]
        _ = try mpirun(2, four + control("two", steps: 12), in: dir)
        try train(four + control("one", steps: 12), in: dir)
        let two = try losses(dir, "two").map(Double.init(bitPattern:))
        let one = try losses(dir, "one").map(Double.init(bitPattern:))
        XCTAssertEqual(two.count, 12)
        for (a, b) in zip(two, one) {
            XCTAssertEqual(a, b, accuracy: 1e-6 * abs(b), "losses \(two) against \(one)")
        }
    }

    /// A rank killed with SIGKILL mid-run ends the whole job within 60 s,
    /// with a message naming the lost rank; --resume continues from the
    /// last checkpoint.
    func testALostRankEndsTheJobAndTheRunResumes() throws {
        let dir = try prepared()
        let job = try MPIJob(processes: 2, command: "s2s-train", model + control("lost", steps: 100_000, saveEvery: 10),
                             in: dir)
        // Any checkpoint: this tiny model runs hundreds of updates a second,
        // so the first ones are rotated away (3 kept) between two looks.
        let folder = dir.appendingPathComponent("models/lost/checkpoints")
        func steps() -> [Int] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).compactMap { name in
                name.hasPrefix("step-") && name.hasSuffix(".safetensors") ? Int(name.dropFirst(5).dropLast(12)) : nil
            }
        }
        let started = Date()
        while steps().isEmpty && Date().timeIntervalSince(started) < 60 { usleep(20_000) }
        XCTAssertFalse(steps().isEmpty, job.outputSoFar)
        let victims = MPIJob.pids(ofRank: 1, commandLineContaining: "models/lost")
        XCTAssertEqual(victims.count, 1, "rank 1's process")
        for pid in victims { kill(pid, SIGKILL) }
        let killedAt = Date()
        let result = try XCTUnwrap(job.wait(seconds: 60), "the job outlived its lost rank by 60 s:\n\(job.outputSoFar)")
        XCTAssertLessThan(Date().timeIntervalSince(killedAt), 60)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("process rank 1") && result.output.contains("signal 9"), result.output)
        XCTAssertTrue(MPIJob.pids(ofRank: 0, commandLineContaining: "models/lost").isEmpty, "rank 0 is gone too")

        let last = try XCTUnwrap(steps().max(), "no checkpoint left by the lost job")
        let resumed = try Command.run("s2s-train", control("lost", steps: last + 20, saveEvery: 10) + ["--resume"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains(String(format: "checkpoints/step-%08d", last)), resumed.stderr)
        XCTAssertTrue(steps().contains(last + 20), "\(steps())")
    }

    /// Ctrl-C (SIGINT) to mpirun: every rank finishes its update, rank 0
    /// writes a checkpoint of it, all exit (mpirun gives them the seconds of
    /// odls_base_sigkill_timeout). SIGUSR1 to mpirun: the same stop, and
    /// mpirun exits 0 at once.
    func testInterruptingMpirunCheckpointsAndStopsEveryRank() throws {
        let dir = try prepared()
        for (signal, name) in [(SIGINT, "int"), (SIGUSR1, "usr1")] {
            let job = try MPIJob(processes: 2, mpirunOptions: ["--mca", "odls_base_sigkill_timeout", "10"],
                                 command: "s2s-train", model + control(name, steps: 100_000), in: dir)
            // Once training runs (a progress record is written), stop it.
            let log = dir.appendingPathComponent("models/\(name)/train.jsonl")
            let started = Date()
            while ((try? String(contentsOf: log, encoding: .utf8)) ?? "").isEmpty && Date().timeIntervalSince(started) < 60 {
                usleep(100_000)
            }
            kill(job.process.processIdentifier, signal)
            let result = try XCTUnwrap(job.wait(seconds: 60), "mpirun did not stop within 60 s:\n\(job.outputSoFar)")
            let checkpoints = try FileManager.default.contentsOfDirectory(
                atPath: dir.appendingPathComponent("models/\(name)/checkpoints").path)
            XCTAssertEqual(checkpoints.count, 1, "the stop's checkpoint (none was due): \(checkpoints)\n\(result.output)")
            XCTAssertTrue(MPIJob.pids(ofRank: 0, commandLineContaining: "models/\(name)").isEmpty
                && MPIJob.pids(ofRank: 1, commandLineContaining: "models/\(name)").isEmpty)
            if signal == SIGUSR1 {
                XCTAssertEqual(result.status, 0, result.output)
                XCTAssertTrue(result.output.contains("checkpoint written"), result.output)
            }
            let resumed = try Command.run("s2s-train", control(name, steps: 40) + ["--resume"], in: dir)
            XCTAssertEqual(resumed.status, 0, resumed.stderr)
        }
    }

    /// Ranks on different data: every rank says which rank's what differs,
    /// and the job ends (no hang) without writing a model.
    func testRanksOnOtherDataAreRefusedByEveryRank() throws {
        let dir = try prepared()
        // Other pairs, and their own vocabulary: the toy copy task.
        let other = try Command.run("s2s-prep", ["--corpus", TestPaths.fixture("toy-copy").path, "--name", "copy", "-q"],
                                    in: dir)
        XCTAssertEqual(other.status, 0, other.stderr)
        let binary = Command.binDirectory.appendingPathComponent("s2s-train").path
        let rank0 = model + control("mismatch", steps: 4)
        var rank1 = rank0
        rank1[rank1.firstIndex(of: "data/toy")!] = "data/copy"
        rank1[rank1.firstIndex(of: "vocab/toy")!] = "vocab/copy"
        // --output-filename: each rank's output in a file of its own
        // (through mpirun's one stream, the ranks' messages interleave).
        let outputs = dir.appendingPathComponent("ranks")
        let job = try MPIJob(executable: MPIJob.mpirun!,
                             MPIJob.baseOptions + ["--output-filename", outputs.path, "-np", "1", binary] + rank0
                                + [":", "-np", "1", binary] + rank1, in: dir)
        let result = try XCTUnwrap(job.wait(seconds: 60), "the mismatched job hung:\n\(job.outputSoFar)")
        XCTAssertNotEqual(result.status, 0)
        // Each rank says so, naming its own files.
        let says = { (rank: Int) in
            (try? String(contentsOf: outputs.appendingPathComponent("1/rank.\(rank)/stderr"), encoding: .utf8)) ?? ""
        }
        XCTAssertTrue(says(0).contains("the training data (data/toy/train.s2sb) of rank 1 differ from rank 0's"), says(0))
        XCTAssertTrue(says(1).contains("the training data (data/copy/train.s2sb) of rank 1 differ from rank 0's"), says(1))
        XCTAssertTrue(says(1).contains("the vocabulary (vocab/copy/src.vocab, tgt.vocab) of rank 1 differ"), says(1))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/mismatch/model.safetensors").path))
    }

    /// A process that mpirun started but that cannot load Open MPI says so
    /// and what to install.
    func testAMissingOpenMPILibraryIsAClearError() throws {
        let dir = try prepared()
        let r = try Command.run("s2s-train", model + control("nolib", steps: 2), in: dir,
                                environment: ["OMPI_COMM_WORLD_SIZE": "2", "S2S_MPI_LIBRARY": "/nonexistent/libmpi.so.40"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("started by mpirun, but cannot load Open MPI's library /nonexistent/libmpi.so.40"), r.stderr)
        XCTAssertTrue(r.stderr.contains("tools/setup.sh --mpi"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/nolib").path))
    }

    /// Two hosts (network namespaces joined by a veth pair, TCP only): the
    /// same trajectory as one process.
    func testTwoHostsFollowTheOneProcessTrajectory() throws {
        try XCTSkipIf(getuid() != 0, "the two-host test makes network namespaces, which needs root")
        try XCTSkipIf(!FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
                          && !FileManager.default.isExecutableFile(atPath: "/sbin/ip"), "no ip (iproute2)")
        let dir = try prepared()
        let script = TestPaths.packageRoot.appendingPathComponent("tools/mpi/two-hosts.sh").path
        let binary = Command.binDirectory.appendingPathComponent("s2s-train").path
        let job = try MPIJob(executable: "/bin/bash", [script, binary] + model + control("hosts", steps: 12), in: dir)
        let result = try XCTUnwrap(job.wait(seconds: 180), "the two-host job did not finish:\n\(job.outputSoFar)")
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("2 processes, 2 shares a batch"), result.output)
        try train(model + ["--shares", "2"] + control("one", steps: 12), in: dir)
        XCTAssertEqual(try losses(dir, "hosts"), try losses(dir, "one"))
        XCTAssertEqual(try bytes(dir, "hosts/model.safetensors"), try bytes(dir, "one/model.safetensors"))
    }
}
