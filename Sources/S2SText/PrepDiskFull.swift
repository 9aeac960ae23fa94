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
public struct PrepDiskFull: ExplainedError {
    public let folder: String
    /// The output that did not fit, its name in `folder`.
    public let fileName: String
    public let neededBytes: Int
    /// Nil when the file system cannot be asked.
    public let freeBytes: Int?

    /// - Parameters:
    ///   - path: the output that did not fit.
    ///   - outputs: every output of the run and its size in bytes.
    init(file path: String, outputs: [(path: String, size: Int)]) {
        folder = (path as NSString).deletingLastPathComponent
        fileName = (path as NSString).lastPathComponent
        func device(_ path: String) -> UInt64? {
            var info = stat()
            return stat((path as NSString).deletingLastPathComponent, &info) == 0 ? UInt64(info.st_dev) : nil
        }
        let here = device(path)
        neededBytes = outputs.filter { device($0.path) == here }.reduce(0) { $0 + $1.size }
        freeBytes = SystemMemory.freeDiskBytes(at: folder).map { Int($0) }
    }

    /// What the error is about: the folder the outputs go to.
    public var file: String { folder }

    public var problem: String {
        let free = freeBytes.map { "\($0) bytes are free" } ?? "the free space cannot be read"
        return "no space left to write \(fileName): the prepared data needs \(neededBytes) bytes on that disk, \(free)"
    }

    public var hint: String {
        "No output was written or replaced. Free some space there, or choose another --vocab-dir/--data-dir, then run s2s-prep again"
    }

    public var systemError: Int32? { ENOSPC }
}
