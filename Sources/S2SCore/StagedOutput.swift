#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One output file written piece by piece, at any offsets, under its
/// temporary name (`AtomicFile.temporaryName`), to be renamed into place by
/// `StagedFiles` with the files that belong with it: a file too large to be
/// made in memory first (a token shard of millions of pairs).
///
/// A full disk does not stop the writer: the temporary file is removed (so
/// that the space is free again) and later writes only count the bytes, so
/// that the caller can finish its pass and say how much room every output
/// needs (`size`). Other write errors are thrown.
public final class StagedOutput {
    public let path: String
    public let temporary: String
    /// The file's size: the end of the furthest write, written or counted.
    public private(set) var size = 0
    /// The full-disk error that turned writing into counting.
    public private(set) var outOfSpace: FileError?
    private var fd: Int32

    public init(path: String) throws(FileError) {
        let folder = (path as NSString).deletingLastPathComponent
        try Folder.create(folder)
        self.path = path
        temporary = (folder.isEmpty ? "" : folder + "/") + AtomicFile.temporaryName(for: (path as NSString).lastPathComponent)
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            let error = FileError(path: path, action: "write", reason: FileError.lastErrno(), code: errno)
            guard error.isOutOfSpace else { throw error }
            outOfSpace = error
        }
    }

    /// Writes `bytes` at byte `offset` (all of them, retrying short writes).
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileError) {
        size = max(size, offset + bytes.count)
        var done = 0
        while fd >= 0 && done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n >= 0 { done += n; continue }
            if errno == EINTR { continue }
            let error = FileError(path: path, action: "write", reason: FileError.lastErrno(), code: errno)
            guard error.isOutOfSpace else { throw error }
            outOfSpace = error
            close(fd)
            fd = -1
            unlink(temporary)
        }
    }

    public func write(_ bytes: [UInt8], at offset: Int) throws(FileError) {
        var failure: FileError?
        bytes.withUnsafeBytes { raw in
            do throws(FileError) { try write(raw, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Flushes the file to disk and closes it (a full disk here counts as
    /// while writing).
    public func finish() throws(FileError) {
        guard fd >= 0 else { return }
        defer { fd = -1 }
        var code: Int32 = 0
        if fsync(fd) != 0 { code = errno }
        if close(fd) != 0 && code == 0 { code = errno }
        if code != 0 {
            let error = FileError(path: path, action: "flush (fsync)", reason: String(cString: strerror(code)), code: code)
            unlink(temporary)
            guard error.isOutOfSpace else { throw error }
            outOfSpace = error
        }
    }

    /// Closes and removes the temporary file.
    public func discard() {
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(temporary)
    }
}
