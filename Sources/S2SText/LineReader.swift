#if canImport(Glibc)
import Glibc
#endif
import Foundation
import S2SCore

/// Reads UTF-8 text as lines, validating as it goes: a UTF-8 byte-order
/// mark at the start is skipped, the CR of CRLF endings is dropped, a UTF-16
/// or UTF-32 file is named as such, and a line that is not valid UTF-8 is an
/// error naming the file, the line and the byte. Whole files here; a stream
/// of lines (standard input) through `LineStream`, which splits the bytes
/// for both.
public enum LineReader {
    public static func lines(ofFile path: String) throws(InputError) -> [String] {
        let fd = try openFile(path)
        defer { close(fd) }
        return try all(LineStream(fd: fd, name: path))
    }

    /// A text file opened for reading (the caller closes it), or the error
    /// that says why it cannot be.
    static func openFile(_ path: String) throws(InputError) -> Int32 {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !exists { throw InputError(file: path, problem: "no such file", hint: "Check the path") }
        if isDirectory.boolValue { throw InputError(file: path, problem: "is a folder, not a text file") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError(file: path, problem: "cannot be read: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Splits `data` into lines; `path` only names the source in errors.
    public static func lines(of data: Data, path: String) throws(InputError) -> [String] {
        try all(LineStream(bytes: Array(data), name: path))
    }

    private static func all(_ stream: LineStream) throws(InputError) -> [String] {
        var lines: [String] = []
        while let batch = try stream.nextBatch(batchSize: 4096) {
            for (number, bytes) in batch { lines.append(try decode(bytes, line: number, path: stream.name)) }
        }
        return lines
    }

    /// One line's bytes (as `LineStream` gives them) as text, or the error
    /// that says what is wrong with them and how to fix it.
    public static func decode(_ bytes: [UInt8], line: Int, path: String) throws(InputError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        if line == 1, let error = bytes.withUnsafeBytes({ otherEncoding($0, path: path) }) { throw error }
        let bad = bytes.withUnsafeBufferPointer { firstInvalidByte($0) }
        throw InputError(
            file: path, line: line,
            problem: String(format: "invalid UTF-8 (byte 0x%02X at byte %d of the line)", bytes[bad], bad + 1),
            hint: "Convert the file to UTF-8, e.g. iconv -f LATIN1 -t UTF-8 FILE > FILE.utf8")
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
            throw Self.lineCountMismatch(sourcePath, source.count, targetPath, target.count)
        }
        self.sourcePath = sourcePath
        self.targetPath = targetPath
        self.source = source
        self.target = target
    }

    static func lineCountMismatch(_ sourcePath: String, _ sourceLines: Int, _ targetPath: String, _ targetLines: Int) -> InputError {
        InputError(
            file: sourcePath,
            problem: "has \(sourceLines) lines but \(targetPath) has \(targetLines); line i of one must translate line i of the other",
            hint: "Check that both files come from the same aligned corpus")
    }
}
