#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import S2SCore

/// s2s-prep's outputs did not fit on a disk. Nothing is renamed into place
/// until every output is written, so the whole of them must fit at once:
/// the error gives the bytes all the outputs going to that file system need
/// and the bytes free there (measured after the partial outputs are removed).
public struct PrepDiskFull: Error, CustomStringConvertible {
    public let folder: String
    public let file: String
    public let neededBytes: Int
    /// Nil when the file system cannot be asked.
    public let freeBytes: Int?

    /// - Parameters:
    ///   - path: the output that did not fit.
    ///   - outputs: every output of the run and its size in bytes.
    init(file path: String, outputs: [(path: String, size: Int)]) {
        folder = (path as NSString).deletingLastPathComponent
        file = (path as NSString).lastPathComponent
        func device(_ path: String) -> UInt64? {
            var info = stat()
            return stat((path as NSString).deletingLastPathComponent, &info) == 0 ? UInt64(info.st_dev) : nil
        }
        let here = device(path)
        neededBytes = outputs.filter { device($0.path) == here }.reduce(0) { $0 + $1.size }
        freeBytes = SystemMemory.freeDiskBytes(at: folder).map { Int($0) }
    }

    public var description: String {
        let free = freeBytes.map { "\($0) bytes are free" } ?? "the free space cannot be read"
        return "\(folder): no space left to write \(file): the prepared data needs \(neededBytes) bytes on that disk, "
            + "\(free). No output was written or replaced. Free some space there, or choose another "
            + "--vocab-dir/--data-dir, then run s2s-prep again"
    }
}
