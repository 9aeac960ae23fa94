#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive lock on a folder for the lifetime of one run: `FOLDER/.lock`
/// held with `flock`, holding the PID of the run that owns it. Two runs
/// writing one model folder would overwrite each other's checkpoints, log and
/// best model, so a second run stops at once and names the first. The kernel
/// drops the lock when the process ends, however it ends (`kill -9`
/// included): a lock file left behind never blocks the next run.
public final class FolderLock {
    public let folder: String
    private let fd: Int32
    /// The folders this lock created, the folder itself and any missing
    /// parents, outermost first (so that a run that fails before writing
    /// anything can leave no trace: `release(removingIfCreated:)`).
    public let createdFolders: [String]
    /// Whether this lock created the folder itself.
    public var createdFolder: Bool { !createdFolders.isEmpty }

    public static let fileName = ".lock"

    /// Another process holds the lock.
    public struct Busy: ExplainedError {
        public let folder: String
        public let pid: Int32?
        public var file: String { folder }
        public var problem: String { "is in use by " + (pid.map { "another s2s run (PID \($0))" } ?? "another s2s run") }
        public var hint: String {
            "Two runs on one folder would overwrite each other's files: wait for it to finish"
                + (pid.map { " or stop it (kill \($0))" } ?? "") + ", or choose another folder"
        }
        public var systemError: Int32? { EWOULDBLOCK }
    }

    /// Takes the lock, creating the folder if needed; throws `Busy` at once
    /// (never waits) when another process holds it.
    public init(folder: String) throws {
        self.folder = folder
        createdFolders = try Folder.create(folder)
        let path = folder + "/" + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileError(path: path, action: "open the lock file", reason: String(cString: strerror(errno)))
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            var bytes = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &bytes, bytes.count, 0)
            close(fd)
            if !busy { throw FileError(path: path, action: "lock", reason: reason) }
            let text = n > 0 ? String(decoding: bytes[0..<n], as: UTF8.self) : ""
            throw Busy(folder: folder, pid: Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        self.fd = fd
    }

    /// Releases the lock; with `removingIfCreated`, a folder this lock made
    /// is removed again when nothing but the lock file is in it, and so are
    /// the parents it made that are left empty (a run that failed before
    /// writing anything leaves no folder behind).
    public func release(removingIfCreated: Bool = false) {
        if removingIfCreated && createdFolder,
           let names = try? FileManager.default.contentsOfDirectory(atPath: folder), names == [Self.fileName] {
            unlink(folder + "/" + Self.fileName)
            // rmdir leaves a parent that something else was put into since.
            for made in createdFolders.reversed() where rmdir(made) != 0 { break }
        }
        released = true
        close(fd)
    }

    private var released = false

    deinit { if !released { close(fd) } }
}
