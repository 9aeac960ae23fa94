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

    /// Runs `name` (e.g. "s2s-prep") with `arguments` in `directory`.
    @discardableResult
    public static func run(_ name: String, _ arguments: [String], in directory: URL? = nil,
                           stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(name)
        process.arguments = arguments
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
