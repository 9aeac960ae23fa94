import S2SCore

/// Token <-> id. File format: one `token<TAB>count` per line, line index = id,
/// the four specials first (`<pad>`=0, `<unk>`=1, `<s>`=2, `<EOS>`=3, count 0).
public struct Vocabulary: Equatable, Sendable {

    public let tokens: [String]
    public let counts: [Int]
    private let ids: [String: Int32]

    public var count: Int { tokens.count }

    /// Builds from the non-special tokens in id order (specials are added).
    public init(tokens: [String], counts: [Int]) {
        precondition(tokens.count == counts.count)
        self.tokens = SpecialTokens.names + tokens
        self.counts = [0, 0, 0, 0] + counts
        var ids: [String: Int32] = [:]
        for (i, t) in self.tokens.enumerated() { ids[t] = Int32(i) }
        self.ids = ids
    }

    public func id(_ token: String) -> Int32 { ids[token] ?? SpecialTokens.unk }

    public func ids(_ tokens: [String]) -> [Int32] { tokens.map(id) }

    public func token(_ id: Int32) -> String { tokens[Int(id)] }

    /// FNV-1a over the tokens in id order: data files record it, so that ids
    /// are never read with another vocabulary.
    public var hash: UInt64 {
        var h = FNV1a64()
        for t in tokens {
            h.combine(t.utf8)
            h.combine(CollectionOfOne(0x0A))
        }
        return h.value
    }

    public var fileText: String {
        var text = ""
        for (t, c) in zip(tokens, counts) { text += "\(t)\t\(c)\n" }
        return text
    }

    /// Parses a vocabulary file; `path` only names the file in errors.
    /// Lines end at each line feed taken as a Unicode scalar (as a Character,
    /// CR LF is one grapheme, not "\n": a CRLF file was read as one line);
    /// the CR of a CRLF ending is dropped.
    public init(fileText: String, path: String) throws(InputError) {
        var tokens: [String] = []
        var counts: [Int] = []
        var seen: Set<String> = []
        let hint = "Vocabulary files are written by s2s-prep; re-run it rather than editing by hand"
        var lineNumber = 0
        for var scalars in fileText.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if scalars.last == "\r" { scalars = scalars.dropLast() }
            let line = Substring(scalars)
            if line.isEmpty && lineNumber > 1 { continue }  // the final newline
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, let c = Int(fields[1]), c >= 0 else {
                throw InputError(file: path, line: lineNumber,
                                 problem: "expected 'TOKEN<TAB>COUNT', found '\(line)'", hint: hint)
            }
            let token = String(fields[0])
            let id = tokens.count
            if id < SpecialTokens.names.count && token != SpecialTokens.names[id] {
                throw InputError(file: path, line: lineNumber,
                                 problem: "expected the special token \(SpecialTokens.names[id]) at id \(id), found '\(token)'",
                                 hint: hint)
            }
            guard seen.insert(token).inserted else {
                throw InputError(file: path, line: lineNumber, problem: "token '\(token)' appears twice", hint: hint)
            }
            tokens.append(token)
            counts.append(c)
        }
        guard tokens.count >= SpecialTokens.names.count else {
            throw InputError(file: path, problem: "has \(tokens.count) entries, fewer than the 4 special tokens",
                             hint: hint)
        }
        self.init(tokens: Array(tokens.dropFirst(4)), counts: Array(counts.dropFirst(4)))
    }
}

/// Counts tokens and makes a `Vocabulary`: most frequent first, ties in
/// code-point order, so the same corpus always gives the same ids.
public struct VocabularyBuilder: Sendable {
    public private(set) var counts: [String: Int] = [:]

    public init() {}

    public mutating func add(_ tokens: some Sequence<String>) {
        for t in tokens { counts[t, default: 0] += 1 }
    }

    public mutating func add(_ token: String, count: Int) {
        counts[token, default: 0] += count
    }

    public mutating func merge(_ other: VocabularyBuilder) {
        for (t, c) in other.counts { counts[t, default: 0] += c }
    }

    /// - Parameters:
    ///   - minCount: tokens seen fewer times are left out (they become `<unk>`).
    ///   - maxSize: at most this many entries in all, specials included (0: no limit).
    public func build(minCount: Int = 1, maxSize: Int = 0) -> Vocabulary {
        var entries = counts.filter { $0.value >= minCount && !SpecialTokens.names.contains($0.key) }
            .sorted {
                $0.value != $1.value
                    ? $0.value > $1.value
                    : $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars)
            }
        if maxSize > 0 {
            entries = Array(entries.prefix(max(0, maxSize - SpecialTokens.names.count)))
        }
        return Vocabulary(tokens: entries.map(\.key), counts: entries.map(\.value))
    }
}
