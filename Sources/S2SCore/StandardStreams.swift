#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Descriptors 0–2 as a command finds them at start. A command started with
/// one of them closed (`2>&-`, `<&-`) would otherwise hand that number to
/// the first file it opens (a folder's `.lock` would receive the whole
/// log), so `prepare()` puts /dev/null there and remembers which were
/// closed: a closed standard input is then an error naming it, not an
/// empty input.
public enum StandardStreams {
    /// Which of 0, 1, 2 were closed when `prepare()` ran.
    public private(set) nonisolated(unsafe) static var closedAtStart: Set<Int32> = []

    /// Opens /dev/null on each closed standard descriptor. Call first in a
    /// command's main, before anything opens a file — but after
    /// `BLASRuntime.ensureOptimizedKernels`, which may re-execute the
    /// process: the new process must find the descriptors as the user left them.
    public static func prepare() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            closedAtStart.insert(fd)
            // open gives the lowest free number: this one, as the lower ones are open by now.
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if opened >= 0 && opened != fd {
                _ = dup2(opened, fd)
                close(opened)
            }
        }
    }

    /// Throws when standard input was closed at start: a command reading it
    /// names it instead of reading /dev/null as an empty input.
    public static func requireInput(hint: String) throws(InputError) {
        if closedAtStart.contains(0) {
            throw InputError(file: "standard input", problem: "is closed", hint: hint)
        }
    }
}

/// Writing to standard output with errors reported (a full disk behind a
/// redirection is an error with a message, not a crash in FileHandle).
public enum StandardOutput {
    public static func write(_ text: String) throws(FileError) {
        let bytes = Array(text.utf8)
        if let code = Descriptor.writeAll(1, bytes) {
            throw FileError(path: "standard output", action: "write", reason: String(cString: strerror(code)), code: code)
        }
    }
}

/// Messages, warnings and progress on standard error. A write that fails
/// (a full disk, a closed pipe) is dropped: a warning that cannot be shown
/// must not stop the work it warns about.
public enum StandardError {
    public static func write(_ text: String) {
        _ = Descriptor.writeAll(2, Array(text.utf8))
    }
}

/// Standard input read to its end, with a read error reported (FileHandle's
/// read traps on one, e.g. a folder given as input).
public enum StandardInput {
    public static func readAll() throws(FileError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
            if n == 0 { return bytes }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                throw FileError(path: "standard input", action: "read", reason: String(cString: strerror(code)), code: code)
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }
}

enum Descriptor {
    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR;
    /// the errno of a failed write, or nil.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }
}
