import S2SCore

/// For each source subword, the target subwords most associated with it in
/// the training pairs, best first (Marian's `--shortlist`, CTranslate2's
/// vocabulary map): translation then scores only the union of its source
/// words' lists plus the most frequent targets, instead of the whole target
/// vocabulary.
///
/// Association is the Dice coefficient over sentence pairs,
/// dice(s, t) = 2·c(s, t) / (c(s) + c(t)), c counting the training pairs
/// that contain s, t, or both. Dice is symmetric and cheap (one pass, no EM
/// iterations as IBM Model 1 needs), and unlike p(t | s) it does not rank
/// the targets that occur everywhere ("the", ",") first for every source
/// word: those come in anyway as the most frequent targets.
///
/// File (`shortlist.tsv` in the vocabulary and model folders), UTF-8 text:
///
///     #s2s-shortlist 1 SOURCE_HASH TARGET_HASH
///     #frequent ID ID …            target ids by pair count, most frequent first
///     ID ID …                      line k: source id k's list, best first (may be empty)
///
/// hashes in hexadecimal (`Vocabulary.hash`), one list line per source id.
public struct LexicalShortlist: Equatable, Sendable {
    public static let fileName = "shortlist.tsv"
    /// Target ids per source id, best first.
    public let lists: [[Int32]]
    /// Target ids by the number of training pairs they occur in, most first
    /// (specials left out).
    public let frequent: [Int32]
    public let sourceVocabularyHash: UInt64
    public let targetVocabularyHash: UInt64

    public init(lists: [[Int32]], frequent: [Int32], sourceVocabularyHash: UInt64, targetVocabularyHash: UInt64) {
        self.lists = lists
        self.frequent = frequent
        self.sourceVocabularyHash = sourceVocabularyHash
        self.targetVocabularyHash = targetVocabularyHash
    }

    /// The `keep` best targets of every source id of `source`, and up to
    /// `keep` · 10 most frequent targets, from training pairs of ids.
    public static func build(pairs: [(source: [Int32], target: [Int32])], source: Vocabulary, target: Vocabulary,
                             keep: Int = 50) -> LexicalShortlist {
        var counts = ShortlistCounts(source: source, target: target)
        counts.add(pairs)
        return counts.shortlist(keep: keep)
    }

    /// The target ids a batch of source sentences may produce: the first `k`
    /// of each source id's list, the `frequent` most frequent targets, and
    /// `<unk>` and `<EOS>`; ascending.
    public func candidates(for sources: [[Int32]], k: Int, frequent count: Int) -> [Int32] {
        var chosen = Set<Int32>([SpecialTokens.unk, SpecialTokens.eos])
        chosen.formUnion(frequent.prefix(count))
        for sentence in sources {
            for s in sentence where Int(s) < lists.count { chosen.formUnion(lists[Int(s)].prefix(k)) }
        }
        return chosen.sorted()
    }

    // MARK: The file

    public var fileText: String {
        var out = "#s2s-shortlist 1 \(String(sourceVocabularyHash, radix: 16)) \(String(targetVocabularyHash, radix: 16))\n"
        out += "#frequent" + frequent.map { " \($0)" }.joined() + "\n"
        for list in lists { out += list.map(String.init).joined(separator: " ") + "\n" }
        return out
    }

    /// Reads a shortlist file and checks it against the vocabularies it is
    /// used with: every defect is an `InputError` naming the file and line.
    public init(fileText: String, path: String, source: Vocabulary, target: Vocabulary) throws(InputError) {
        let rebuild = "Run s2s-prep again to rewrite it (and copy it into the model folder)"
        var lines = fileText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.count >= 2 else {
            throw InputError(file: path, problem: "is not a shortlist file (fewer than 2 lines)", hint: rebuild)
        }
        let head = lines[0].split(separator: " ").map(String.init)
        guard head.count == 4, head[0] == "#s2s-shortlist" else {
            throw InputError(file: path, line: 1, problem: "is not a shortlist file (no #s2s-shortlist header)", hint: rebuild)
        }
        guard head[1] == "1" else {
            throw InputError(file: path, line: 1, problem: "has shortlist format version \(head[1]); this s2s reads version 1")
        }
        guard let sh = UInt64(head[2], radix: 16), let th = UInt64(head[3], radix: 16) else {
            throw InputError(file: path, line: 1, problem: "has unreadable vocabulary hashes", hint: rebuild)
        }
        guard sh == source.hash && th == target.hash else {
            throw InputError(file: path, line: 1, problem: "was made with other vocabularies than the model's", hint: rebuild)
        }
        func ids(_ text: Substring, line: Int) throws(InputError) -> [Int32] {
            var out: [Int32] = []
            for field in text.split(separator: " ") {
                guard let id = Int32(field), id >= 0, Int(id) < target.count else {
                    throw InputError(file: path, line: line,
                                     problem: "has '\(field.prefix(20))', not a target id below \(target.count)", hint: rebuild)
                }
                out.append(id)
            }
            return out
        }
        guard lines[1] == "#frequent" || lines[1].hasPrefix("#frequent ") else {
            throw InputError(file: path, line: 2, problem: "lacks the #frequent line", hint: rebuild)
        }
        let frequent = try ids(lines[1].dropFirst("#frequent".count), line: 2)
        guard lines.count - 2 == source.count else {
            throw InputError(file: path, problem: "has \(lines.count - 2) lists for \(source.count) source tokens", hint: rebuild)
        }
        var lists: [[Int32]] = []
        lists.reserveCapacity(source.count)
        for (k, line) in lines.dropFirst(2).enumerated() { lists.append(try ids(Substring(line), line: k + 3)) }
        self.init(lists: lists, frequent: frequent, sourceVocabularyHash: sh, targetVocabularyHash: th)
    }
}
