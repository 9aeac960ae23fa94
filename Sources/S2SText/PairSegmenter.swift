import S2SCore

/// Normalises and segments batches of sentence pairs (and applies BPE, once
/// it is learned) on a number of worker threads, each with its own ICU word
/// breaker and BPE cache, kept for the whole run: a word is segmented into
/// subwords once per thread, however often it occurs.
final class PairSegmenter {
    /// Pairs per batch read from the files: what one pass holds at a time.
    let batchSize: Int

    private final class Worker {
        let session: Tokenizer.Session
        var bpe: BPE?
        init(_ session: Tokenizer.Session) { self.session = session }
    }

    private let workers: [Worker]
    /// Pairs a worker takes at a time: a few chunks a worker in each batch.
    private let chunkSize: Int

    init(tokenizer: Tokenizer, threads: Int, batchSize: Int) throws {
        self.batchSize = max(1, batchSize)
        workers = try (0..<max(1, threads)).map { _ in Worker(try Tokenizer.Session(tokenizer)) }
        chunkSize = max(1, min(512, self.batchSize / (4 * workers.count)))
    }

    /// From now on, also apply these codes (nil: whole words, no BPE).
    func apply(_ codes: BPECodes?) {
        for worker in workers { worker.bpe = codes.map { BPE(codes: $0) } }
    }

    /// The pairs of a split's files, a batch at a time, as tokens (subwords
    /// once `apply` was given codes); `chunk` works on a chunk of them on the
    /// worker threads, and `body` gets its results in the files' order.
    /// Returns the number of pairs.
    @discardableResult
    func forEachChunk<Result>(sourcePath: String, targetPath: String,
                              _ chunk: @Sendable ([(source: [String], target: [String])]) -> Result,
                              _ body: (Result) throws -> Void) throws -> Int {
        let reader = try PairReader(sourcePath: sourcePath, targetPath: targetPath)
        try forEachChunk(next: { () throws(InputError) in try reader.next(batchSize) }, segmented: false, chunk, body)
        return reader.pairs
    }

    /// The same from the tokens a first pass spilled.
    @discardableResult
    func forEachChunk<Result>(spill: TokenSpill,
                              _ chunk: @Sendable ([(source: [String], target: [String])]) -> Result,
                              _ body: (Result) throws -> Void) throws -> Int {
        let reader = try spill.reader()
        try forEachChunk(next: { () throws(InputError) in try reader.next(batchSize) }, segmented: true, chunk, body)
        return reader.pairs
    }

    /// Batches of lines from `next`, as text (`segmented`: false) or as
    /// tokens joined by spaces, segmented on the workers.
    private func forEachChunk<Result>(next: () throws(InputError) -> (source: [String], target: [String])?, segmented: Bool,
                                      _ chunk: @Sendable ([(source: [String], target: [String])]) -> Result,
                                      _ body: (Result) throws -> Void) throws {
        while let batch = try next() {
            let (source, target) = (batch.source, batch.target)
            let results = try chunkedMap(count: source.count, chunkSize: chunkSize, states: workers) { worker, range in
                chunk(try range.map { i in
                    let s = segmented ? Self.tokens(source[i]) : try worker.session.tokenize(source[i])
                    let t = segmented ? Self.tokens(target[i]) : try worker.session.tokenize(target[i])
                    guard let bpe = worker.bpe else { return (s, t) }
                    return (bpe.segment(tokens: s), bpe.segment(tokens: t))
                })
            }
            for result in results { try body(result) }
        }
    }

    private static func tokens(_ line: String) -> [String] {
        line.utf8.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
    }
}
