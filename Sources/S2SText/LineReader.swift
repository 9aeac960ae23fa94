import Foundation
import S2SCore

/// Reads a UTF-8 text file as lines, validating as it goes: a UTF-8 byte-order
/// mark at the start is skipped, the CR of CRLF endings is dropped, and a line
/// that is not valid UTF-8 is an error naming the file, the line and the byte.
public enum LineReader {
    public static func lines(ofFile path: String) throws(InputError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw InputError(file: path,
                             problem: !exists ? "no such file" : isDirectory.boolValue ? "is a folder, not a text file" : "cannot be read",
                             hint: !exists ? "Check the path" : "")
        }
        return try lines(of: data, path: path)
    }

    /// Splits `data` into lines; `path` only names the source in errors.
    public static func lines(of data: Data, path: String) throws(InputError) -> [String] {
        var lines: [String] = []
        var failure: InputError?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            if let error = otherEncoding(UnsafeRawBufferPointer(bytes), path: path) {
                failure = error
                return
            }
            var start = 0
            if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
            var lineNumber = 0
            while start < bytes.count {
                lineNumber += 1
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                var stop = end
                if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<stop])
                guard let line = String(validating: slice, as: UTF8.self) else {
                    let bad = firstInvalidByte(slice)
                    failure = InputError(
                        file: path, line: lineNumber,
                        problem: String(format: "invalid UTF-8 (byte 0x%02X at byte %d of the line)", slice[bad], bad + 1),
                        hint: "Convert the file to UTF-8, e.g. iconv -f LATIN1 -t UTF-8 FILE > FILE.utf8")
                    return
                }
                lines.append(line)
                start = end + 1
            }
        }
        if let failure { throw failure }
        return lines
    }

    /// A UTF-16 or UTF-32 file announces itself with a byte-order mark;
    /// decoding it as UTF-8 would report a bad byte and suggest the wrong
    /// conversion. `start`: the first bytes of the input.
    public static func otherEncoding(_ start: UnsafeRawBufferPointer, path: String) -> InputError? {
        let marks: [(bytes: [UInt8], name: String, iconv: String)] = [
            // UTF-32LE's mark begins with UTF-16LE's: test the longer ones first.
            ([0xFF, 0xFE, 0x00, 0x00], "UTF-32 (little-endian byte-order mark FF FE 00 00)", "UTF-32"),
            ([0x00, 0x00, 0xFE, 0xFF], "UTF-32 (big-endian byte-order mark 00 00 FE FF)", "UTF-32"),
            ([0xFF, 0xFE], "UTF-16 (little-endian byte-order mark FF FE)", "UTF-16"),
            ([0xFE, 0xFF], "UTF-16 (big-endian byte-order mark FE FF)", "UTF-16"),
        ]
        for mark in marks where start.starts(with: mark.bytes) {
            return InputError(file: path, line: 1, problem: "is encoded in \(mark.name), not UTF-8",
                              hint: "Convert it first: iconv -f \(mark.iconv) -t UTF-8 FILE > FILE.utf8")
        }
        return nil
    }

    /// Offset of the first byte where UTF-8 decoding fails.
    static func firstInvalidByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var offset = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return max(0, bytes.count - 1)
            case .error: return min(offset, bytes.count - 1)
            }
        }
    }
}

/// A source file and a target file read as aligned sentence pairs.
public struct ParallelText: Sendable {
    public let sourcePath: String
    public let targetPath: String
    public let source: [String]
    public let target: [String]

    public init(sourcePath: String, targetPath: String) throws(InputError) {
        let source = try LineReader.lines(ofFile: sourcePath)
        let target = try LineReader.lines(ofFile: targetPath)
        guard source.count == target.count else {
            throw InputError(
                file: sourcePath,
                problem: "has \(source.count) lines but \(targetPath) has \(target.count); line i of one must translate line i of the other",
                hint: "Check that both files come from the same aligned corpus")
        }
        self.sourcePath = sourcePath
        self.targetPath = targetPath
        self.source = source
        self.target = target
    }
}
