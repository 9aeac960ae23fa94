import Foundation

/// An mpirun job started by a test: Open MPI's launcher with the package's
/// built commands, its output in files, waited for with a time limit (a
/// job that outlives it is killed, and the test fails rather than hangs).
public final class MPIJob {
    /// Open MPI's launcher, when installed (tools/setup.sh --mpi).
    public static let mpirun: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// What mpirun needs on every machine the tests run on: root is refused
    /// without --allow-run-as-root, and a 2-core machine needs
    /// --oversubscribe for more processes than cores.
    public static let baseOptions = ["--allow-run-as-root", "--oversubscribe"]

    public let process = Process()
    let output: URL

    /// Starts `executable arguments…` (a path), e.g. mpirun or tools/mpi/two-hosts.sh.
    public init(executable: String, _ arguments: [String], in directory: URL,
                environment: [String: String] = [:]) throws {
        output = directory.appendingPathComponent("mpirun-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = Command.environment.merging(environment) { _, given in given }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// `mpirun baseOptions extra -np N <bin>/command arguments…`.
    public convenience init(processes: Int, mpirunOptions: [String] = [], command: String, _ arguments: [String],
                            in directory: URL, environment: [String: String] = [:]) throws {
        try self.init(executable: MPIJob.mpirun ?? "/usr/bin/mpirun",
                      MPIJob.baseOptions + mpirunOptions
                        + ["-np", "\(processes)", Command.binDirectory.appendingPathComponent(command).path] + arguments,
                      in: directory, environment: environment)
    }

    /// Waits at most `seconds`; returns the exit status and all the output,
    /// or nil when the job was still running (it is then killed).
    public func wait(seconds: Double) -> (status: Int32, output: String)? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    public var outputSoFar: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// The process ids of this machine's processes whose environment says
    /// they are rank `rank` of an Open MPI job and whose command line holds
    /// `marker` (e.g. the model folder of the test).
    public static func pids(ofRank rank: Int, commandLineContaining marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let command = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")),
                  let environment = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ")) else { return false }
            let text = String(decoding: command, as: UTF8.self)
            let variables = String(decoding: environment, as: UTF8.self).split(separator: "\0")
            return text.contains(marker) && variables.contains("OMPI_COMM_WORLD_RANK=\(rank)")
        }
    }
}
