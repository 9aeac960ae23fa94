import S2SCore

/// Byte-pair-encoding merges (Sennrich et al. 2016), in the codes-file format
/// of subword-nmt 0.2+: a `#version: 0.2` header, then one merge per line,
/// `left right`, highest priority first. `</w>` marks the end of a word, so
/// merges can tell a word-final `s</w>` from an inner `s`.
public struct BPECodes: Equatable, Sendable {
    public static let endOfWord = "</w>"
    public static let header = "#version: 0.2"

    /// Merges in priority order.
    public let merges: [(String, String)]

    public init(merges: [(String, String)]) {
        self.merges = merges
    }

    public static func == (a: BPECodes, b: BPECodes) -> Bool {
        a.merges.elementsEqual(b.merges) { $0 == $1 }
    }

    /// The codes file's text.
    public var fileText: String {
        var text = Self.header + "\n"
        for (a, b) in merges { text += "\(a) \(b)\n" }
        return text
    }

    /// Parses a codes file; `path` only names the file in errors. Lines and
    /// the two parts of a merge are split as Unicode scalars, as subword-nmt
    /// does: a symbol may begin with a combining mark, which as a Character
    /// would cluster with the space before it. A CR ending a line (CRLF
    /// files) is dropped.
    public init(fileText: String, path: String) throws(InputError) {
        var merges: [(String, String)] = []
        var lineNumber = 0
        for var line in fileText.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.last == "\r" { line = line.dropLast() }
            if lineNumber == 1 && line.starts(with: "#version:".unicodeScalars) { continue }
            if line.isEmpty { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw InputError(file: path, line: lineNumber,
                                 problem: "expected a merge 'LEFT RIGHT', found '\(String(Substring(line)))'",
                                 hint: "Codes files are written by s2s-prep or subword-nmt learn-bpe; re-run s2s-prep")
            }
            merges.append((String(Substring(parts[0])), String(Substring(parts[1]))))
        }
        self.init(merges: merges)
    }
}
