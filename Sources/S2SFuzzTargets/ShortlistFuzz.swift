import S2SText

/// A lexical shortlist (`shortlist.tsv`) over two small vocabularies,
/// decoded as the commands decode it: what it accepts must hold only target
/// ids inside the target vocabulary, one list per source id, write back to
/// the same shortlist, and give candidates that include `<unk>` and `<EOS>`.
public enum ShortlistFuzz {
    static let source = Vocabulary(tokens: ["a", "b", "c"], counts: [3, 2, 1])
    static let target = Vocabulary(tokens: ["x", "y", "z"], counts: [3, 2, 1])

    public static func run(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        guard let shortlist = try? LexicalShortlist(fileText: text, path: "fuzz.tsv", source: source, target: target)
        else { return }
        guard shortlist.lists.count == source.count else { violated("\(shortlist.lists.count) lists for \(source.count) sources") }
        for list in shortlist.lists + [shortlist.frequent] where list.contains(where: { $0 < 0 || Int($0) >= target.count }) {
            violated("a target id outside the vocabulary")
        }
        guard let again = try? LexicalShortlist(fileText: shortlist.fileText, path: "fuzz.tsv", source: source, target: target),
              again == shortlist else {
            violated("a shortlist's own file text does not read back as itself")
        }
        let all = (0..<Int32(source.count)).map { [$0] }
        let chosen = shortlist.candidates(for: all, k: 2, frequent: 1)
        guard chosen.contains(1), chosen.contains(3), chosen == chosen.sorted(), Set(chosen).count == chosen.count else {
            violated("candidates \(chosen) lack <unk>/<EOS> or are not ascending and distinct")
        }
    }
}
