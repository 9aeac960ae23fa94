import S2SCore

/// Normalises and segments batches of sentence pairs into words on a number
/// of worker threads, each with its own ICU word breaker and its own
/// `WordTable` (pass 1) or `IndexedWordCounts` (pass 2), kept for the whole
/// run; and hands batches of pairs as word numbers (pass 3) to the same
/// workers.
final class PairSegmenter {
    /// Pairs per batch read from the files: what one pass holds at a time.
    let batchSize: Int

    final class Worker {
        let session: Tokenizer.Session
        let table = WordTable()
        /// Pass 2's counts (after `countIndexedWords`).
        var counts: IndexedWordCounts?
        init(_ session: Tokenizer.Session) { self.session = session }
    }

    private let workers: [Worker]
    /// Pairs a worker takes at a time: a few chunks a worker in each batch.
    private let chunkSize: Int
    /// Called after each batch with the pairs so far (as the pass returns
    /// them) and the fraction of the input read.
    var onBatch: ((_ pairs: Int, _ fraction: Double?) -> Void)?

    init(tokenizer: Tokenizer, threads: Int, batchSize: Int) throws {
        self.batchSize = max(1, batchSize)
        workers = try (0..<max(1, threads)).map { _ in Worker(try Tokenizer.Session(tokenizer)) }
        chunkSize = max(1, min(512, self.batchSize / (4 * workers.count)))
    }

    var threads: Int { workers.count }

    /// The words the workers' tables counted, both sides together.
    func wordCounts() -> [String: Int] {
        var exact: [ExactString: Int] = [:]
        for worker in workers {
            let table = worker.table
            for (w, word) in table.words.enumerated() where table.counts[w] > 0 {
                exact[ExactString(word), default: 0] += table.counts[w]
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

    /// Every word the workers met, numbered.
    func wordIndex() -> WordIndex { WordIndex(tables: workers.map(\.table)) }

    /// From now on, give each worker counts of `index`'s words.
    func countIndexedWords(_ index: WordIndex) {
        for worker in workers { worker.counts = IndexedWordCounts(words: index.count) }
    }

    func stopCountingIndexedWords() {
        for worker in workers { worker.counts = nil }
    }

    /// The workers' counts, added up.
    func indexedWordCounts() -> (source: [Int], target: [Int]) {
        guard var total = workers.first?.counts.map({ ($0.source, $0.target) }) else { return ([], []) }
        for worker in workers.dropFirst() {
            guard let counts = worker.counts else { continue }
            for w in total.0.indices {
                total.0[w] += counts.source[w]
                total.1[w] += counts.target[w]
            }
        }
        return total
    }

    /// The pairs of a split's files, a batch at a time, as words; `chunk`
    /// works on a chunk of them on the worker threads (with the worker's
    /// own state), and `body` gets its results in the files' order.
    /// `skipping` drops duplicates by line number, then `keeping` leaves
    /// out pairs by their number among those left. Returns the number of
    /// pairs left after `skipping`.
    @discardableResult
    func forEachChunk<Result>(sourcePath: String, targetPath: String, skipping duplicates: Deduplication? = nil,
                              keeping sample: PairFilter? = nil,
                              _ chunk: @Sendable (Worker, [(source: [String], target: [String])]) -> Result,
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
                              _ chunk: @Sendable (Worker, [(source: [String], target: [String])]) -> Result,
                              _ body: (Result) throws -> Void) throws -> Int {
        let reader = try spill.reader()
        return try forEachChunk(next: { () throws(InputError) in try reader.next(batchSize) }, fraction: { reader.fractionRead },
                                segmented: true, keeping: sample, chunk, body)
    }

    /// Pairs of word numbers that pass 2 spilled, a batch at a time.
    @discardableResult
    func forEachChunk<Result>(words spill: WordSpill,
                              _ chunk: @Sendable ([(source: [Int32], target: [Int32])]) -> Result,
                              _ body: (Result) throws -> Void) throws -> Int {
        let reader = try spill.reader()
        while let batch = try reader.next(batchSize) {
            let results = try chunkedMap(count: batch.count, chunkSize: chunkSize, states: workers) { _, range in
                chunk(Array(batch[range]))
            }
            for result in results { try body(result) }
            onBatch?(reader.pairs, reader.fractionRead)
        }
        return reader.pairs
    }

    /// Batches of lines from `next`, as text (`segmented`: false) or as
    /// tokens joined by spaces, segmented on the workers, less those
    /// `sample` leaves out. Returns the pairs `next` gave.
    private func forEachChunk<Result>(next: () throws(InputError) -> (source: [String], target: [String])?,
                                      fraction: () -> Double?, segmented: Bool,
                                      keeping sample: PairFilter?,
                                      _ chunk: @Sendable (Worker, [(source: [String], target: [String])]) -> Result,
                                      _ body: (Result) throws -> Void) throws -> Int {
        var pairs = 0
        while let next = try next() {
            let batch = sample?.filter(next, first: pairs) ?? next
            pairs += next.source.count
            let (source, target) = (batch.source, batch.target)
            let results = try chunkedMap(count: source.count, chunkSize: chunkSize, states: workers) { worker, range in
                chunk(worker, try range.map { i in
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
