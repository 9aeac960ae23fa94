#if canImport(Glibc)
import Glibc
#endif
import S2SCore

/// A source file and a target file read together as aligned sentence pairs,
/// a batch at a time, so that a corpus of any size passes through bounded
/// memory. Lines are validated as `LineReader` does (UTF-8, BOM, CRLF); a
/// file that ends before the other is an error giving both line counts.
final class PairReader {
    let sourcePath: String
    let targetPath: String
    private let sourceFD: Int32
    private let targetFD: Int32
    private let source: LineStream
    private let target: LineStream
    private var pendingSource: [(number: Int, bytes: [UInt8])] = []
    private var pendingTarget: [(number: Int, bytes: [UInt8])] = []
    /// Pairs handed out so far.
    private(set) var pairs = 0

    init(sourcePath: String, targetPath: String) throws(InputError) {
        self.sourcePath = sourcePath
        self.targetPath = targetPath
        sourceFD = try LineReader.openFile(sourcePath)
        do {
            targetFD = try LineReader.openFile(targetPath)
        } catch {
            close(sourceFD)
            throw error
        }
        source = LineStream(fd: sourceFD, name: sourcePath)
        target = LineStream(fd: targetFD, name: targetPath)
    }

    deinit {
        close(sourceFD)
        close(targetFD)
    }

    /// How much of the source file has been read (nil: not a regular file).
    var fractionRead: Double? { source.fractionRead }

    /// The next `size` pairs (fewer at the end of the files); nil after the last.
    func next(_ size: Int) throws(InputError) -> (source: [String], target: [String])? {
        try fill(source, &pendingSource, size)
        try fill(target, &pendingTarget, size)
        if pendingSource.count != pendingTarget.count { try throwMismatch() }
        if pendingSource.isEmpty { return nil }
        let batch = (source: try decode(pendingSource, sourcePath), target: try decode(pendingTarget, targetPath))
        pendingSource.removeAll(keepingCapacity: true)
        pendingTarget.removeAll(keepingCapacity: true)
        pairs += batch.source.count
        return batch
    }

    private func fill(_ stream: LineStream, _ pending: inout [(number: Int, bytes: [UInt8])], _ size: Int) throws(InputError) {
        while pending.count < size, let lines = try stream.nextBatch(batchSize: size - pending.count) {
            pending += lines
        }
    }

    private func decode(_ lines: [(number: Int, bytes: [UInt8])], _ path: String) throws(InputError) -> [String] {
        var out: [String] = []
        out.reserveCapacity(lines.count)
        for (number, bytes) in lines { out.append(try LineReader.decode(bytes, line: number, path: path)) }
        return out
    }

    /// One file ended first: the rest of the other is read (and validated)
    /// to count its lines for the error.
    private func throwMismatch() throws(InputError) -> Never {
        _ = try decode(pendingSource, sourcePath)
        _ = try decode(pendingTarget, targetPath)
        for (stream, path) in [(source, sourcePath), (target, targetPath)] {
            while let lines = try stream.nextBatch(batchSize: 4096) { _ = try decode(lines, path) }
        }
        throw ParallelText.lineCountMismatch(sourcePath, source.lineNumber, targetPath, target.lineNumber)
    }
}
