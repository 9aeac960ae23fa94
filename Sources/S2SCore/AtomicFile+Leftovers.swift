#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The temporary files `AtomicFile.write` leaves when its process is killed
/// mid-write (`kill -9`, a power cut): `.NAME.tmp-PID` beside NAME
/// (`temporaryName(for:)`), as big
/// as what was being written (a checkpoint: hundreds of MB). Nothing else
/// would ever remove them.
extension AtomicFile {
    /// A temporary file left in `folder` by a process that no longer runs.
    public struct Leftover: Equatable, Sendable {
        public let path: String
        public let pid: Int32
        public let bytes: Int
    }

    /// The temporary files in `folder` whose writer has ended (its PID no
    /// longer names a process: kill(pid, 0) fails with ESRCH). A live
    /// writer's, this process's among them, are not listed.
    public static func leftovers(in folder: String) -> [Leftover] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name -> Leftover? in
            guard target(ofTemporary: name) != nil, let mark = name.range(of: ".tmp-", options: .backwards),
                  let pid = Int32(name[mark.upperBound...]), pid > 0,
                  kill(pid, 0) != 0 && errno == ESRCH else { return nil }
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return Leftover(path: path, pid: pid, bytes: Int(info.st_size))
        }
    }
}
