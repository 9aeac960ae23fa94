import Foundation
import S2S
import S2SCore
import S2SText

/// The lines a command translates, from a file or standard input, in
/// batches of those already read (a file or a fast pipe in full batches, a
/// line typed at a terminal at once), each numbered and checked to be UTF-8.
public final class InputLines {
    /// What errors and warnings call the input: "stdin" or the file's path.
    public let name: String
    private let stream: LineStream
    private let descriptor: Int32

    /// Opens `path`, or standard input when it is nil (`hint` says how to
    /// give it, should standard input be closed).
    public init(path: String?, standardInputHint hint: String) throws(S2SError) {
        name = path ?? "stdin"
        if let path {
            descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                throw .input(file: path, line: nil, problem: "cannot be opened: \(String(cString: strerror(errno)))", hint: "")
            }
        } else {
            do { try StandardStreams.requireInput(hint: hint) } catch { throw S2SError(error) }
            descriptor = 0
        }
        stream = LineStream(fd: descriptor, name: name)
    }

    deinit {
        if descriptor > 0 { close(descriptor) }
    }

    /// The next lines (at most `size`), numbered from 1; nil at the end. A
    /// line that is not UTF-8 is an error naming it, or with `skipBadLines`
    /// an empty line and a warning to `warn` — except in a UTF-16 or UTF-32
    /// input, which is wrong as a whole.
    public func nextBatch(size: Int, skipBadLines: Bool,
                          warn: (String) -> Void) throws(S2SError) -> [(number: Int, text: String)]? {
        do {
            guard let batch = try stream.nextBatch(batchSize: size) else { return nil }
            var lines: [(number: Int, text: String)] = []
            for (number, bytes) in batch {
                do {
                    lines.append((number, try LineReader.decode(bytes, line: number, path: name)))
                } catch {
                    if number == 1 && bytes.withUnsafeBytes({ LineReader.otherEncoding($0, path: name) }) != nil { throw error }
                    guard skipBadLines else {
                        throw InputError(file: name, line: number, problem: error.problem,
                                         hint: "Convert the input to UTF-8, or pass --skip-bad-lines to write an empty line for it")
                    }
                    warn("\(name):\(number): \(error.problem); wrote an empty line")
                    lines.append((number, ""))
                }
            }
            return lines
        } catch {
            throw S2SError(error)
        }
    }
}
