/// What a pass over a split's subwords keeps: the pairs and their tokens
/// (a shard's size), and the pairs dropped by reason. Counted per chunk on
/// the workers and added up in order.
struct SplitCounts: Equatable, Sendable {
    var pairs = 0
    var sourceTokens = 0
    var targetTokens = 0
    var dropped = ["empty": 0, "too_long": 0]

    /// Whether the pair is kept (counted), or dropped (counted by reason):
    /// empty on either side, or longer than `maxLength` (0: no limit), in subwords.
    mutating func keep(sourceLength: Int, targetLength: Int, maxLength: Int) -> Bool {
        if sourceLength == 0 || targetLength == 0 {
            dropped["empty"]! += 1
            return false
        }
        if maxLength > 0 && (sourceLength > maxLength || targetLength > maxLength) {
            dropped["too_long"]! += 1
            return false
        }
        pairs += 1
        sourceTokens += sourceLength
        targetTokens += targetLength
        return true
    }

    mutating func add(_ other: SplitCounts) {
        pairs += other.pairs
        sourceTokens += other.sourceTokens
        targetTokens += other.targetTokens
        dropped.merge(other.dropped, uniquingKeysWith: +)
    }
}
