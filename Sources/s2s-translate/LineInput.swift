#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads lines from a file descriptor and hands them out in batches: as many
/// as are already available (up to `batchSize`), so a file or a fast pipe is
/// translated in full batches, while an interactive user or a pipe that
/// pauses gets each line answered as soon as it arrives.
final class LineInput {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var eof = false
    private(set) var lineNumber = 0

    init(fd: Int32) { self.fd = fd }

    /// The next batch of (line number, raw bytes); nil at the end of input.
    func nextBatch(batchSize: Int) -> [(number: Int, bytes: [UInt8])]? {
        var batch: [(number: Int, bytes: [UInt8])] = []
        while batch.count < batchSize {
            if let line = takeLine() {
                batch.append(line)
                continue
            }
            if eof { break }
            // No whole line buffered: block for more only if nothing is pending.
            if !batch.isEmpty && !readable() { break }
            fill()
        }
        if batch.isEmpty && eof {
            if buffer.isEmpty { return nil }
            lineNumber += 1
            let last = buffer
            buffer = []
            return [(lineNumber, last)]
        }
        return batch
    }

    private func takeLine() -> (number: Int, bytes: [UInt8])? {
        guard let newline = buffer.firstIndex(of: 0x0A) else { return nil }
        var line = Array(buffer[..<newline])
        buffer.removeSubrange(...newline)
        if line.last == 0x0D { line.removeLast() }
        lineNumber += 1
        if lineNumber == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        return (lineNumber, line)
    }

    private func readable() -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) > 0
    }

    private func fill() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
        if n <= 0 { eof = true } else { buffer += chunk[0..<n] }
    }
}
