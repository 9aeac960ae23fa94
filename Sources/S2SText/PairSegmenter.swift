import S2SCore

/// Normalises and segments batches of sentence pairs into words on a number
/// of worker threads, each with its own ICU word breaker and, once BPE is
/// learned, its own `WordTable`, kept for the whole run: a word is segmented
/// into subwords (and mapped to ids) once per thread, however often it
/// occurs.
final class PairSegmenter {
    /// Pairs per batch read from the files: what one pass holds at a time.
    let batchSize: Int

    private final class Worker {
        let session: Tokenizer.Session
        /// Whole words until `apply` gives codes.
        var table = WordTable(bpe: nil)
        init(_ session: Tokenizer.Session) { self.session = session }
    }

    private let workers: [Worker]
    /// Called after each batch with the pairs so far (as the pass returns
    /// them) and the fraction of the input read.
    var onBatch: ((_ pairs: Int, _ fraction: Double?) -> Void)?
    /// Pairs a worker takes at a time: a few chunks a worker in each batch.
    private let chunkSize: Int

    init(tokenizer: Tokenizer, threads: Int, batchSize: Int) throws {
        self.batchSize = max(1, batchSize)
        workers = try (0..<max(1, threads)).map { _ in Worker(try Tokenizer.Session(tokenizer)) }
        chunkSize = max(1, min(512, self.batchSize / (4 * workers.count)))
    }

    /// The words counted in the workers' tables so far, both sides together.
    func wordCounts() -> [String: Int] {
        var exact: [ExactString: Int] = [:]
        for table in tables {
            for (w, word) in table.words.enumerated() where table.sourceCounts[w] + table.targetCounts[w] > 0 {
                exact[ExactString(word), default: 0] += table.sourceCounts[w] + table.targetCounts[w]
            }
        }
        // In byte order: words that differ in their bytes but are equal as
        // Strings (canonically equivalent; only without normalisation) add
        // up under the same spelling every run.
        var counts: [String: Int] = [:]
        for (word, count) in exact.sorted(by: { $0.key.string.utf8.lexicographicallyPrecedes($1.key.string.utf8) }) {
            counts[word.string, default: 0] += count
        }
        return counts
    }

    /// From now on, give the chunks fresh `WordTable`s segmenting words
    /// with these codes (nil: whole words, no BPE).
    func apply(_ codes: BPECodes?) {
        for worker in workers { worker.table = WordTable(bpe: codes.map { BPE(codes: $0) }) }
    }

    /// The workers' tables.
    var tables: [WordTable] { workers.map(\.table) }

    /// The pairs of a split's files, a batch at a time, as words; `chunk`
    /// works on a chunk of them on the worker threads (with the worker's
    /// table), and `body` gets its results in the files' order.
    /// Returns the number of pairs.
    /// `skipping` drops duplicates by line number, then `keeping` leaves
    /// out pairs by their number among those left. Returns the number of
    /// pairs left after `skipping`.
    @discardableResult
    func forEachChunk<Result>(sourcePath: String, targetPath: String, skipping duplicates: Deduplication? = nil,
                              keeping sample: PairFilter? = nil,
                              _ chunk: @Sendable (WordTable, [(source: [String], target: [String])]) -> Result,
                              _ body: (Result) throws -> Void) throws -> Int {
        let reader = try PairReader(sourcePath: sourcePath, targetPath: targetPath)
        return try forEachChunk(next: { () throws(InputError) in
            let first = reader.pairs
            guard let batch = try reader.next(batchSize) else { return nil }
            return duplicates?.filter(batch, first: first) ?? batch
        }, fraction: { reader.fractionRead }, segmented: false, keeping: sample, chunk, body)
    }

    /// The same from the tokens a first pass spilled.
    @discardableResult
    func forEachChunk<Result>(spill: TokenSpill, keeping sample: PairFilter? = nil,
                              _ chunk: @Sendable (WordTable, [(source: [String], target: [String])]) -> Result,
                              _ body: (Result) throws -> Void) throws -> Int {
        let reader = try spill.reader()
        return try forEachChunk(next: { () throws(InputError) in try reader.next(batchSize) }, fraction: { reader.fractionRead },
                                segmented: true, keeping: sample,
                                chunk, body)
    }

    /// Batches of lines from `next`, as text (`segmented`: false) or as
    /// tokens joined by spaces, segmented on the workers, less those
    /// `sample` leaves out. Returns the pairs `next` gave.
    private func forEachChunk<Result>(next: () throws(InputError) -> (source: [String], target: [String])?,
                                      fraction: () -> Double?, segmented: Bool,
                                      keeping sample: PairFilter?,
                                      _ chunk: @Sendable (WordTable, [(source: [String], target: [String])]) -> Result,
                                      _ body: (Result) throws -> Void) throws -> Int {
        var pairs = 0
        while let next = try next() {
            let batch = sample?.filter(next, first: pairs) ?? next
            pairs += next.source.count
            let (source, target) = (batch.source, batch.target)
            let results = try chunkedMap(count: source.count, chunkSize: chunkSize, states: workers) { worker, range in
                chunk(worker.table, try range.map { i in
                    segmented ? (Self.tokens(source[i]), Self.tokens(target[i]))
                        : (try worker.session.tokenize(source[i]), try worker.session.tokenize(target[i]))
                })
            }
            for result in results { try body(result) }
            onBatch?(pairs, fraction())
        }
        return pairs
    }

    private static func tokens(_ line: String) -> [String] {
        line.utf8.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
    }
}
