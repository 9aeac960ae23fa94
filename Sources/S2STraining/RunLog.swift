#if canImport(Glibc)
import Glibc
#endif
import Foundation
import S2SCore

/// `train.jsonl`: one JSON object per line, one line per report and per
/// validation. Each record is appended and flushed as it is written; a
/// resumed run first drops the records past its checkpoint, so the log reads
/// as one uninterrupted run.
public final class RunLog {
    public let path: String
    private let fd: Int32

    public init(path: String, keepThroughStep step: Int?) throws {
        self.path = path
        let fm = FileManager.default
        if let step, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let kept = TrainingRecord.records(inLog: text).filter { $0.record.step <= step }
            try AtomicFile.write(text: kept.map { $0.line + "\n" }.joined(), to: path)
        } else if step == nil || !fm.fileExists(atPath: path) {
            try AtomicFile.write(text: "", to: path)
        }
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else {
            throw FileError(path: path, action: "open for appending", reason: String(cString: strerror(errno)), code: errno)
        }
    }

    /// Appends one record as a line (a full disk is an error, not a crash).
    /// A record JSON cannot hold (a NaN loss) is left out.
    public func append(_ record: TrainingRecord) throws(FileError) {
        guard let line = try? StableJSON.line(record) else { return }
        var offset = 0
        while offset < line.count {
            let n = line[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, action: "append to", reason: String(cString: strerror(errno)), code: errno)
            }
            offset += n
        }
    }

    deinit { close(fd) }
}
