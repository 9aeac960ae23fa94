#if canImport(Glibc)
import Glibc
#endif
import S2SCore

/// A split's pairs as the first pass segmented them, kept in a temporary
/// file beside the outputs (`.SPLIT.tokens.tmp-PID` in the data folder,
/// never renamed into place) so that the later passes read tokens instead
/// of normalising and segmenting the text again. After a header line, two
/// lines a pair, source then target, tokens joined by single spaces: tokens
/// hold no space and no line feed (normalisation turned every run of white
/// space into one space, and segmentation cut there), so the lines split
/// back into the same tokens. The header keeps a token that starts with
/// U+FEFF from being taken for a byte-order mark.
final class TokenSpill {
    static let header = "#s2s-prep tokens 1\n"
    /// What the split's name is followed by in the file's name.
    static let suffix = ".tokens"

    private let file: SpillFile

    init(path: String) throws(FileError) {
        file = try SpillFile(path: path)
        try file.append(Self.header.utf8)
    }

    /// Appends pairs that `encode` wrote into `bytes`.
    func append(_ bytes: [UInt8]) throws(FileError) {
        try file.append(bytes)
    }

    /// A pair's two lines.
    static func encode(_ source: [String], _ target: [String], into bytes: inout [UInt8]) {
        for side in [source, target] {
            for (k, token) in side.enumerated() {
                if k > 0 { bytes.append(0x20) }
                bytes += token.utf8
            }
            bytes.append(0x0A)
        }
    }

    /// Closes the file; false when it did not fit on the disk (the later
    /// passes then read the text again).
    func finish() throws(FileError) -> Bool { try file.finish() }

    /// The pairs written, a batch at a time, as lines of space-separated tokens.
    func reader() throws(FileError) -> Reader { try Reader(path: file.temporary, name: file.path) }

    final class Reader {
        private let fd: Int32
        private let stream: LineStream
        private(set) var pairs = 0

        init(path: String, name: String) throws(FileError) {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw FileError(path: path, action: "read", reason: String(cString: strerror(errno)), code: errno) }
            stream = LineStream(fd: fd, name: name)
            _ = try? stream.nextBatch(batchSize: 1)  // the header
        }

        deinit { close(fd) }

        var fractionRead: Double? { stream.fractionRead }

        /// The next `size` pairs (fewer at the end); nil after the last.
        func next(_ size: Int) throws(InputError) -> (source: [String], target: [String])? {
            var source: [String] = [], target: [String] = []
            // Line 1 is the header: a pair's source is on an even line.
            while target.count < size, let lines = try stream.nextBatch(batchSize: 2 * size - source.count - target.count) {
                for (number, bytes) in lines {
                    let line = String(decoding: bytes, as: UTF8.self)
                    if number % 2 == 0 { source.append(line) } else { target.append(line) }
                }
            }
            pairs += source.count
            return source.isEmpty ? nil : (source, target)
        }
    }
}
