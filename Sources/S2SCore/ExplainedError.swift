#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error told in parts: the file or folder it is about (and the line),
/// what is wrong and what to do, printed `FILE:LINE: problem. hint` as every
/// command prints its errors. The library's `S2SError` keeps the parts, so a Swift program sees
/// the same file and hint the commands print.
public protocol ExplainedError: Error, CustomStringConvertible {
    /// The file or folder ("" when the error is about neither).
    var file: String { get }
    /// The 1-based line of `file` (nil: the file as a whole).
    var line: Int? { get }
    var problem: String { get }
    /// What to do ("" when nothing helps).
    var hint: String { get }
    /// The system's error number when the system refused a file operation
    /// (a full disk, a folder held by another process); nil when the error
    /// is about what a file or the options hold.
    var systemError: Int32? { get }
}

extension ExplainedError {
    public var line: Int? { nil }
    public var systemError: Int32? { nil }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        let head = place.isEmpty ? problem : "\(place): \(problem)"
        return hint.isEmpty ? head : "\(head). \(hint)"
    }
}
