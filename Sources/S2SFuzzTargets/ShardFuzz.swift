import S2SText

/// A token shard (`.s2sb`): once `TokenShard` accepts a file, every pair's
/// ids must be readable and inside the vocabularies the header names.
public enum ShardFuzz {
    static let source = Vocabulary(tokens: ["a", "b", "c"], counts: [3, 2, 1])
    static let target = Vocabulary(tokens: ["x", "y"], counts: [2, 1])

    public static func run(_ data: UnsafeRawBufferPointer) {
        InputFile.with(data, name: "input.s2sb") { path in
            _ = try? TokenShard(path: path, sourceVocabulary: source, targetVocabulary: target)
            guard let shard = try? TokenShard(path: path) else { return }
            var tokens = (0, 0)
            for i in 0..<shard.count {
                let s = shard.source(i), t = shard.target(i)
                guard s.allSatisfy({ Int($0) < shard.header.sourceVocabularySize }),
                      t.allSatisfy({ Int($0) < shard.header.targetVocabularySize }) else {
                    violated("pair \(i) has an id outside its vocabulary")
                }
                tokens.0 += s.count
                tokens.1 += t.count
            }
            guard tokens == (shard.header.sourceTokenCount, shard.header.targetTokenCount) else {
                violated("the pairs hold \(tokens) tokens, the header says otherwise")
            }
        }
    }
}
