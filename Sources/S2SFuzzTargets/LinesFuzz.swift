import Foundation
import S2SCore
import S2SText

/// The line reader (source text, references, translate's input), from
/// bytes in memory and from a file (LineStream reading the descriptor): both
/// give the same lines or both refuse; no line holds a line feed; and valid
/// UTF-8 is always read, as the lines between line feeds (a UTF-8
/// byte-order mark skipped, one CR before each line end dropped).
public enum LinesFuzz {
    public static func run(_ data: UnsafeRawBufferPointer) {
        let fromFile = InputFile.with(data, name: "input.txt") { path in
            Result { () throws(InputError) in try LineReader.lines(ofFile: path) }
        }
        let lines: [String]
        do {
            lines = try LineReader.lines(of: Data(data), path: "fuzz.txt")
        } catch {
            if case .success = fromFile { violated("read from a file but refused from memory: \(error)") }
            if String(validating: data, as: UTF8.self) != nil {
                violated("valid UTF-8 refused: \(error)")
            }
            return
        }
        switch fromFile {
        case .success(let fileLines):
            guard sameScalars(fileLines, lines) else { violated("a file's lines differ from the same bytes' in memory") }
        case .failure(let error):
            violated("read from memory but refused from a file: \(error)")
        }
        for (i, line) in lines.enumerated() where line.unicodeScalars.contains("\n") {
            violated("line \(i + 1) holds a line feed")
        }
        guard String(validating: data, as: UTF8.self) != nil else { return }
        guard sameScalars(lines, expectedLines(Array(data))) else {
            violated("lines \(lines.map { Array($0.utf8) }) differ from \(expectedLines(Array(data)).map { Array($0.utf8) })")
        }
    }

    static func expectedLines(_ bytes: [UInt8]) -> [String] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var pieces = body.split(separator: 0x0A, omittingEmptySubsequences: false)
        if body.last == 0x0A || body.isEmpty { pieces.removeLast() }
        return pieces.map { piece in
            String(decoding: piece.last == 0x0D ? piece.dropLast() : piece, as: UTF8.self)
        }
    }
}
