import Foundation
import S2SCore

/// `train.jsonl`: one JSON object per line, one line per report and per
/// validation. Each record is appended and flushed as it is written; a
/// resumed run first drops the records past its checkpoint, so the log reads
/// as one uninterrupted run.
public final class RunLog {
    public let path: String
    private var handle: FileHandle?

    public init(path: String, keepThroughStep step: Int?) throws {
        self.path = path
        let fm = FileManager.default
        if let step, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let kept = text.split(separator: "\n").filter { line in
                guard let data = line.data(using: .utf8),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let s = object["step"] as? Int else { return false }
                return s <= step
            }
            try AtomicFile.write(text: kept.map { $0 + "\n" }.joined(), to: path)
        } else if step == nil || !fm.fileExists(atPath: path) {
            try AtomicFile.write(text: "", to: path)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw FileError(path: path, action: "open for appending", reason: "permission denied or missing folder")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    public func append(_ record: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) else { return }
        handle?.write(data + Data([0x0A]))
    }

    deinit { try? handle?.close() }
}
