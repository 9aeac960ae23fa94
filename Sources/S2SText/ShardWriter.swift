import S2SCore

/// Writes a token shard (`TokenShard`'s layout) pair by pair, in bounded
/// memory: the counts are known before the first pair (from an earlier pass
/// over the text), so each of the four regions (source offsets, target
/// offsets, source ids, target ids) is written at its place through its own
/// buffer; the header goes last, once the pairs match the counts.
final class ShardWriter {
    let output: StagedOutput
    private let header: [UInt8]
    private let pairCount: Int, sourceTokenCount: Int, targetTokenCount: Int
    private var sourceOffsets: OutputCursor, targetOffsets: OutputCursor
    private var sourceIds: OutputCursor, targetIds: OutputCursor
    private var pairs = 0
    private var sourceTokens = 0, targetTokens = 0

    init(output: StagedOutput, pairs: Int, sourceTokens: Int, targetTokens: Int,
         sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) throws(FileError) {
        self.output = output
        header = TokenShard.header(pairs: pairs, sourceTokens: sourceTokens, targetTokens: targetTokens,
                                   sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary)
        pairCount = pairs
        sourceTokenCount = sourceTokens
        targetTokenCount = targetTokens
        let offsets = 8 * (pairs + 1)
        sourceOffsets = OutputCursor(output, at: TokenShard.headerSize)
        targetOffsets = OutputCursor(output, at: TokenShard.headerSize + offsets)
        sourceIds = OutputCursor(output, at: TokenShard.headerSize + 2 * offsets)
        targetIds = OutputCursor(output, at: TokenShard.headerSize + 2 * offsets + 4 * sourceTokens)
        try sourceOffsets.append(littleEndian: UInt64(0))
        try targetOffsets.append(littleEndian: UInt64(0))
    }

    /// A chunk's kept pairs, in order.
    func append(_ chunk: EncodedPairs) throws(FileError) {
        try sourceOffsets.append(littleEndian: chunk.sourceEnds.map { UInt64(sourceTokens + $0) })
        try targetOffsets.append(littleEndian: chunk.targetEnds.map { UInt64(targetTokens + $0) })
        try sourceIds.append(littleEndian: chunk.sourceIds.map { UInt32(bitPattern: $0) })
        try targetIds.append(littleEndian: chunk.targetIds.map { UInt32(bitPattern: $0) })
        pairs += chunk.count
        sourceTokens += chunk.sourceIds.count
        targetTokens += chunk.targetIds.count
    }

    /// Whether the pairs appended are the ones the counts announced (the
    /// text did not change between the passes).
    var isComplete: Bool {
        pairs == pairCount && sourceTokens == sourceTokenCount && targetTokens == targetTokenCount
    }

    /// Writes the buffers and the header, and closes the file.
    func finish() throws(FileError) {
        precondition(isComplete, "the pairs written differ from the counts given")
        try sourceOffsets.flush()
        try targetOffsets.flush()
        try sourceIds.flush()
        try targetIds.flush()
        try output.write(header, at: 0)
        try output.finish()
    }
}
