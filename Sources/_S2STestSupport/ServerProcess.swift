import Foundation

/// A server command (s2s-serve) started by a test on a free loopback port:
/// `--host 127.0.0.1 --port 0` added, the port read from its
/// "listening on http://127.0.0.1:PORT" line, stopped by `terminate`
/// (SIGTERM) or when the test ends.
public final class ServerProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var port = 0
    private let errors = Pipe()
    private let lock = NSLock()
    private var stderrText = ""

    /// Everything the server wrote to standard error so far.
    public var stderr: String { lock.lock(); defer { lock.unlock() }; return stderrText }

    /// Starts `name` with `arguments` and waits (at most `seconds`) until it listens.
    public init(_ name: String, _ arguments: [String], seconds: Double = 120) throws {
        process.executableURL = Command.binDirectory.appendingPathComponent(name)
        process.arguments = arguments + ["--host", "127.0.0.1", "--port", "0"]
        process.environment = Command.environment
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let listening = DispatchSemaphore(value: 0)
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { handle.readabilityHandler = nil; listening.signal(); return }
            self.lock.lock()
            self.stderrText += String(decoding: data, as: UTF8.self)
            let text = self.stderrText
            self.lock.unlock()
            if self.port == 0, let range = text.range(of: #"listening on http://127\.0\.0\.1:([0-9]+)"#, options: .regularExpression) {
                self.port = Int(text[range].split(separator: ":").last!) ?? 0
                listening.signal()
            }
        }
        try process.run()
        _ = listening.wait(timeout: .now() + seconds)
        guard port != 0 else {
            process.terminate()
            process.waitUntilExit()
            throw NSError(domain: "ServerProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(name) did not start: \(stderr)"])
        }
    }

    /// SIGTERM, then its exit status (waits at most `seconds`; then SIGKILL and nil).
    @discardableResult
    public func terminate(seconds: Double = 60) -> Int32? {
        process.terminate()
        return wait(seconds: seconds)
    }

    /// Its exit status once it ends (nil, after SIGKILL, if not within `seconds`).
    public func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit(); return nil }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }
}
