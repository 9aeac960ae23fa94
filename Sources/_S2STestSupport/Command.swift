import Foundation

/// Runs the package's built executables the way a user does, for end-to-end
/// tests: arguments, optional standard input, captured stdout/stderr and exit
/// status.
public enum Command {
    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status; self.stdout = stdout; self.stderr = stderr
        }
    }

    /// The folder holding the built products (set S2S_BIN_DIR to override).
    public static let binDirectory: URL = {
        if let dir = ProcessInfo.processInfo.environment["S2S_BIN_DIR"] {
            return URL(fileURLWithPath: dir)
        }
        // The test bundle lives in the products folder: .build/<triple>/debug/
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        if let bundle { return bundle.bundleURL.deletingLastPathComponent() }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }()

    /// Where the commands the tests run keep their caches (s2s-translate's
    /// measured decoding plans): a folder of the test run, never the user's.
    static let cacheFolder = TestPaths.temporaryFolder("s2s-cache").path

    /// This process's environment with S2S_CACHE_DIR set to `cacheFolder`:
    /// for every command a test starts (`process.environment`).
    public static var environment: [String: String] {
        ProcessInfo.processInfo.environment.merging(["S2S_CACHE_DIR": cacheFolder]) { _, ours in ours }
    }

    /// Runs `name` (e.g. "s2s-prep") with `arguments` in `directory`, with
    /// `environment` added to this process's (and S2S_CACHE_DIR set to the
    /// tests' cache folder unless given).
    @discardableResult
    public static func run(_ name: String, _ arguments: [String], in directory: URL? = nil,
                           stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        process.environment = Self.environment.merging(environment) { _, given in given }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting, so a chatty child cannot block.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension Command {
    /// Runs a system tool (an absolute path) and captures its output.
    public static func runTool(_ path: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                      stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// Runs `name` with standard input from /dev/null and standard output to
    /// `stdoutFile`, and returns its exit status and peak resident memory
    /// (the kernel's ru_maxrss of that one child, from wait4).
    public static func runMeasuringMemory(_ name: String, _ arguments: [String], stdoutFile: String,
                                          stderrFile: String) throws -> (status: Int32, peakBytes: Int) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let path = binDirectory.appendingPathComponent(name).path
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw NSError(domain: "posix_spawn", code: Int(spawned)) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exited = status & 0x7F == 0
        return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), usage.ru_maxrss * 1024)
    }
}

extension Command {
    /// A fresh folder (named after `label`) holding a fixture corpus
    /// prepared by s2s-prep as data/NAME and vocab/NAME: the start of the
    /// end-to-end training tests.
    public static func prepared(_ label: String, fixture: String = "toy-reverse", name: String = "toy") throws -> URL {
        let dir = TestPaths.temporaryFolder(label)
        let prep = try run("s2s-prep", ["--corpus", TestPaths.fixture(fixture).path, "--name", name, "-q"], in: dir)
        guard prep.status == 0 else {
            throw NSError(domain: "s2s-prep", code: Int(prep.status), userInfo: [NSLocalizedDescriptionKey: prep.stderr])
        }
        return dir
    }
}
