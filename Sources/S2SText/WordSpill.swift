#if canImport(Glibc)
import Glibc
#endif
import S2SCore

/// A split's pairs as `WordIndex` numbers, written by pass 2 for pass 3
/// (`.SPLIT.words.tmp-PID` in the data folder, never renamed into place):
/// pass 3 then neither splits text nor looks words up. Per pair, little-
/// endian UInt32s: the source's and the target's word count, then their
/// word numbers.
final class WordSpill {
    static let suffix = ".words"

    private let file: SpillFile

    init(path: String) throws(FileError) {
        file = try SpillFile(path: path)
    }

    /// A pair's record.
    static func encode(_ source: [Int32], _ target: [Int32], into out: inout [UInt32]) {
        out.append(UInt32(source.count))
        out.append(UInt32(target.count))
        for w in source { out.append(UInt32(bitPattern: w)) }
        for w in target { out.append(UInt32(bitPattern: w)) }
    }

    /// Appends records that `encode` made.
    func append(_ records: [UInt32]) throws(FileError) {
        try file.append(littleEndian: records)
    }

    /// Closes the file; false when it did not fit on the disk (pass 3 then
    /// reads the tokens again).
    func finish() throws(FileError) -> Bool { try file.finish() }

    func reader() throws(FileError) -> Reader { try Reader(path: file.temporary) }

    final class Reader {
        private let fd: Int32
        private let path: String
        private var buffer: [UInt32] = []
        private var position = 0
        private var end = false
        private(set) var pairs = 0
        private var bytesRead = 0
        private let size: Int

        init(path: String) throws(FileError) {
            self.path = path
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw FileError(path: path, action: "read", reason: String(cString: strerror(errno)), code: errno) }
            var info = stat()
            size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        }

        deinit { close(fd) }

        var fractionRead: Double? { size > 0 ? Double(bytesRead) / Double(size) : nil }

        /// The next `count` pairs (fewer at the end); nil after the last.
        func next(_ count: Int) throws(FileError) -> [(source: [Int32], target: [Int32])]? {
            var out: [(source: [Int32], target: [Int32])] = []
            while out.count < count {
                guard try available(2) else { break }
                let ns = Int(UInt32(littleEndian: buffer[position])), nt = Int(UInt32(littleEndian: buffer[position + 1]))
                guard try available(2 + ns + nt) else { throw truncated() }
                let s = position + 2, t = s + ns
                out.append((buffer[s..<t].map { Int32(bitPattern: UInt32(littleEndian: $0)) },
                            buffer[t..<(t + nt)].map { Int32(bitPattern: UInt32(littleEndian: $0)) }))
                position = t + nt
            }
            pairs += out.count
            return out.isEmpty ? nil : out
        }

        /// Whether `n` words lie in the buffer from `position`, reading more.
        private func available(_ n: Int) throws(FileError) -> Bool {
            while buffer.count - position < n {
                if end { return false }
                buffer.removeSubrange(..<position)
                position = 0
                var chunk = [UInt32](repeating: 0, count: max(1 << 18, n))
                var got: Int
                repeat {
                    got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                } while got < 0 && errno == EINTR
                if got < 0 { throw FileError(path: path, action: "read", reason: String(cString: strerror(errno)), code: errno) }
                if got % 4 != 0 { throw truncated() }
                bytesRead += got
                if got == 0 { end = true } else { buffer += chunk[0..<(got / 4)] }
            }
            return true
        }

        private func truncated() -> FileError {
            FileError(path: path, action: "read", reason: "the spilled word numbers end mid-record", code: EIO)
        }
    }
}
