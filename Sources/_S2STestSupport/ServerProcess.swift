import Foundation

/// A server command (s2s-serve) started by a test on a free loopback port:
/// `--host 127.0.0.1 --port 0` added, the port read from its
/// "listening on http://127.0.0.1:PORT" line, stopped by `terminate`
/// (SIGTERM) or when the test ends. `runToExit` runs one that is to fail.
public final class ServerProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var port = 0
    private let errors = Pipe()
    private let lock = NSLock()
    private var stderrText = ""
    private var onStderr: ((String?) -> Void)?

    /// Everything the server wrote to standard error so far.
    public var stderr: String { lock.lock(); defer { lock.unlock() }; return stderrText }

    /// Starts `name` with `arguments` and waits (at most `seconds`) until it
    /// listens. `descriptorLimit`: it starts with that soft RLIMIT_NOFILE
    /// (the hard limit unchanged).
    public convenience init(_ name: String, _ arguments: [String], seconds: Double = 120, descriptorLimit: Int? = nil) throws {
        self.init(launching: name, arguments + ["--host", "127.0.0.1", "--port", "0"], descriptorLimit: descriptorLimit)
        let listening = DispatchSemaphore(value: 0)
        onStderr = { [weak self] text in
            guard let self else { return }
            if text == nil { listening.signal(); return }
            if self.port == 0, let text, let range = text.range(of: #"listening on http://127\.0\.0\.1:([0-9]+)"#, options: .regularExpression) {
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

    /// Runs `name` with exactly `arguments` (no host or port added) until it
    /// exits: its status (nil if it ran `seconds` and was killed) and
    /// standard error.
    public static func runToExit(_ name: String, _ arguments: [String], seconds: Double = 120) throws -> (status: Int32?, stderr: String) {
        let server = ServerProcess(launching: name, arguments, descriptorLimit: nil)
        let ended = DispatchSemaphore(value: 0)
        server.onStderr = { if $0 == nil { ended.signal() } }
        try server.process.run()
        let status = server.wait(seconds: seconds)
        _ = ended.wait(timeout: .now() + 10)
        return (status, server.stderr)
    }

    /// Prepared, not started: standard error collected and passed to
    /// `onStderr` as it grows (nil at its end).
    private init(launching name: String, _ arguments: [String], descriptorLimit: Int?) {
        let binary = Command.binDirectory.appendingPathComponent(name).path
        if let descriptorLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -S -n \(descriptorLimit) && exec \"$0\" \"$@\"", binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        process.environment = Command.environment
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { handle.readabilityHandler = nil; return }
            if data.isEmpty { handle.readabilityHandler = nil; self.onStderr?(nil); return }
            self.lock.lock()
            self.stderrText += String(decoding: data, as: UTF8.self)
            let text = self.stderrText
            self.lock.unlock()
            self.onStderr?(text)
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
