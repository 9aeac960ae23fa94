#if canImport(Glibc)
import Glibc
#endif
import Foundation
import S2SCore

/// Lines of raw bytes from a file descriptor (or bytes in memory), handed
/// out in batches: as many as are already available (up to `batchSize`), so
/// a file or a fast pipe is translated in full batches, while an interactive
/// user or a pipe that pauses gets each line answered as soon as it arrives.
/// Lines end at LF; the CR of CRLF and a UTF-8 byte-order mark on line 1 are
/// dropped; a last line without LF counts. Work is linear in the input:
/// consumed bytes are dropped in bulk, and a line's end is searched for only
/// in bytes not searched before. `LineReader.decode` turns a line into text.
public final class LineStream {
    private let fd: Int32
    /// What to call the input in errors ("stdin" or the file's path).
    public let name: String
    private var buffer: [UInt8] = []
    /// Bytes of `buffer` already handed out.
    private var consumed = 0
    /// Bytes of `buffer` (from `consumed`) known to hold no newline.
    private var scanned = 0
    private var eof = false
    public private(set) var lineNumber = 0

    public init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }

    /// All of the input already in memory.
    public init(bytes: [UInt8], name: String) {
        fd = -1
        self.name = name
        buffer = bytes
        eof = true
    }

    /// The next batch of (line number, raw bytes); nil at the end of input.
    public func nextBatch(batchSize: Int) throws(InputError) -> [(number: Int, bytes: [UInt8])]? {
        var batch: [(number: Int, bytes: [UInt8])] = []
        while batch.count < batchSize {
            if skipByteOrderMark(), let line = takeLine() {
                batch.append(line)
                continue
            }
            if eof { break }
            // No whole line buffered: block for more only if nothing is pending.
            if !batch.isEmpty && !readable() { break }
            try fill()
        }
        if batch.isEmpty && eof {
            _ = skipByteOrderMark()
            if consumed == buffer.count { return nil }
            let last = Array(buffer[consumed...])
            consumed = buffer.count
            scanned = 0
            return [finish(last)]
        }
        return batch
    }

    /// How much of a regular file has been read (read ahead of the lines
    /// handed out by at most a buffer): a progress measure; nil for a pipe
    /// or bytes in memory.
    public var fractionRead: Double? {
        var info = stat()
        guard fd >= 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        let position = lseek(fd, 0, SEEK_CUR)
        return position < 0 ? nil : min(1, Double(position) / Double(info.st_size))
    }

    private func takeLine() -> (number: Int, bytes: [UInt8])? {
        guard let newline = buffer[(consumed + scanned)...].firstIndex(of: 0x0A) else {
            scanned = buffer.count - consumed
            return nil
        }
        let line = Array(buffer[consumed..<newline])
        consumed = newline + 1
        scanned = 0
        return finish(line)
    }

    /// Numbers a line, dropping the CR of CRLF.
    private func finish(_ raw: [UInt8]) -> (number: Int, bytes: [UInt8]) {
        var line = raw
        if line.last == 0x0D { line.removeLast() }
        lineNumber += 1
        return (lineNumber, line)
    }

    private var byteOrderMarkChecked = false

    /// Drops a UTF-8 byte-order mark at the start of the input, before any
    /// line is cut (so that a file holding only the mark has no line).
    /// Whether it could be decided yet: 3 bytes, a line feed or the end seen.
    private func skipByteOrderMark() -> Bool {
        if byteOrderMarkChecked { return true }
        let rest = buffer[consumed...]
        guard rest.count >= 3 || eof || rest.contains(0x0A) else { return false }
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { consumed += 3 }
        byteOrderMarkChecked = true
        return true
    }

    private func readable() -> Bool {
        if fd < 0 { return false }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) > 0
    }

    private func fill() throws(InputError) {
        // Drop what was handed out once it is most of the buffer: each byte
        // moves at most once more.
        if consumed > 0 && consumed >= buffer.count / 2 {
            buffer.removeSubrange(..<consumed)
            consumed = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        var n: Int
        repeat {
            n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
        } while n < 0 && errno == EINTR
        if n < 0 {
            // A folder given as --input, an I/O error: never a silent end.
            throw InputError(file: name, problem: "cannot be read: \(String(cString: strerror(errno)))",
                             hint: "Give a text file, or pipe the text in")
        }
        if n == 0 { eof = true } else { buffer += chunk[0..<n] }
    }
}
