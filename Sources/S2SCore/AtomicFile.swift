#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes files so that a reader sees either the old content or the new one,
/// never a torn mix: write a temporary file beside the target, fsync it,
/// rename it over the target, fsync the folder. An interrupted run (Ctrl-C,
/// kill -9, power loss, full disk) leaves the previous file intact.
public enum AtomicFile {
    /// Writes `bytes` to `path`, creating parent folders as needed.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileError) {
        let contiguous = Array(bytes)
        try write(to: path) { (sink: Sink) throws(FileError) in try sink.write(contiguous) }
    }

    /// Where `write(to:_:)`'s body puts the file's bytes, piece by piece.
    public struct Sink {
        let fd: Int32
        let path: String

        /// Appends `bytes` (all of them, retrying short writes).
        public func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(path: path, action: "write", reason: FileError.lastErrno(), code: errno)
                }
                offset += n
            }
        }

        /// Appends `bytes`.
        public func write(_ bytes: [UInt8]) throws(FileError) {
            var failure: FileError?
            bytes.withUnsafeBytes { raw in
                do throws(FileError) { try write(raw) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Writes what `body` gives its sink to `path`, atomically, without
    /// holding the whole file in memory (a checkpoint is parameters and
    /// Adam's moments: hundreds of MB that need not be copied first).
    public static func write(to path: String, _ body: (Sink) throws(FileError) -> Void) throws(FileError) {
        let temporary = try writeTemporary(for: path, body)
        try publish(temporary, to: path)
    }

    /// The first half of `write(to:_:)`: writes what `body` gives its sink
    /// to a temporary file beside `path`, fsynced, and returns its path;
    /// nothing at `path` changes. On failure the temporary file is removed.
    public static func writeTemporary(for path: String, _ body: (Sink) throws(FileError) -> Void) throws(FileError) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        try Folder.create(folder)
        let temporary = (folder.isEmpty ? "" : folder + "/") + temporaryName(for: name)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileError(path: path, action: "write", reason: FileError.lastErrno(), code: errno)
        }
        var failure: FileError?
        do {
            try body(Sink(fd: fd, path: path))
        } catch {
            failure = error
        }
        if failure == nil, fsync(fd) != 0 {
            failure = FileError(path: path, action: "flush (fsync)", reason: FileError.lastErrno(), code: errno)
        }
        if close(fd) != 0, failure == nil {
            failure = FileError(path: path, action: "close", reason: FileError.lastErrno(), code: errno)
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
        return temporary
    }

    /// The second half of `write(to:_:)`: renames `temporary` onto `path`
    /// and makes the rename durable. On failure the temporary file is removed.
    public static func publish(_ temporary: String, to path: String) throws(FileError) {
        if rename(temporary, path) != 0 {
            let code = errno, reason = FileError.lastErrno()
            unlink(temporary)
            throw FileError(path: path, action: "rename the temporary file onto", reason: reason, code: code)
        }
        // Make the rename itself durable.
        let folder = (path as NSString).deletingLastPathComponent
        let dirFD = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// The name of this process's temporary file for a file named `name`.
    public static func temporaryName(for name: String) -> String { ".\(name).tmp-\(getpid())" }

    /// The file name that `name`, a temporary file of `write` (of any
    /// process), stands for; nil when `name` is not one. A killed run leaves
    /// such files behind.
    public static func target(ofTemporary name: String) -> String? {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards) else { return nil }
        let pid = name[marker.upperBound...]
        guard !pid.isEmpty, pid.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(name[name.index(after: name.startIndex)..<marker.lowerBound])
    }

    /// Writes UTF-8 text atomically.
    public static func write(text: String, to path: String) throws(FileError) {
        try write(Array(text.utf8), to: path)
    }
}

/// A file operation that failed, with the path and the system's reason.
public struct FileError: ExplainedError, Equatable {
    public let path: String
    public let action: String
    public let reason: String
    /// The system's error number (errno), 0 when there is none.
    public let code: Int32

    public init(path: String, action: String, reason: String, code: Int32 = 0) {
        self.path = path
        self.action = action
        self.reason = reason
        self.code = code
    }

    /// The disk (or the user's quota) is full.
    public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }

    public var file: String { path }
    public var problem: String { "could not \(action): \(reason)" }
    public var hint: String { "" }
    public var systemError: Int32? { code }

    static func lastErrno() -> String {
        String(cString: strerror(errno))
    }
}
