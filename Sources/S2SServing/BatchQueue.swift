import Foundation

/// The one queue where the lines of concurrent requests wait to be searched
/// together, and the one worker thread that searches them (one search at a
/// time: each uses every core for its matrix work, and the model's weights
/// and decoding packs exist once).
///
/// A batch starts when as many lines of one kind wait as the last batch had
/// (`Key`: model and search options; only lines of one kind share a search),
/// up to `batchSize`, or when the oldest waiting line has waited `maxWait`
/// seconds: clients just answered tend to come back, so a batch of eight
/// waits a moment for the next eight, while a lone client on a quiet server
/// is never kept waiting for company that is not coming. Lines enter a batch
/// round-robin over the waiting requests of that kind, oldest request
/// first, one line each per turn: a request of a thousand lines takes its
/// share of every batch, and a later request's lines go into the next
/// batch, not after the thousand. Each request gets its own lines' results
/// back, in order, through its completion (called once, on the worker
/// thread, outside the lock).
public final class BatchQueue<Key: Hashable & Sendable, Output: Sendable>: @unchecked Sendable {
    public struct Settings: Sendable {
        /// Lines searched together at most.
        public var batchSize = 32
        /// Seconds the oldest waiting line waits for company at most (company
        /// is expected when the last batch had more lines than wait now).
        public var maxWait = 0.005
        /// Lines waiting at most; a request beyond is refused (503).
        public var maxQueued = 10_000
        public init() {}
    }

    public typealias Completion = @Sendable (Result<[Output], ServiceError>) -> Void
    /// Searches one batch: per line its result, in order.
    public typealias Search = (Key, [String]) -> [Result<Output, ServiceError>]

    final class Job {
        let id: Int
        let key: Key
        let lines: [String]
        let arrival: UInt64
        let completion: Completion
        /// The next line not yet taken into a batch.
        var next = 0
        var results: [Output?]
        var remaining: Int
        var finished = false
        init(id: Int, key: Key, lines: [String], arrival: UInt64, completion: @escaping Completion) {
            self.id = id; self.key = key; self.lines = lines; self.arrival = arrival; self.completion = completion
            results = Array(repeating: nil, count: lines.count)
            remaining = lines.count
        }
    }

    public let settings: Settings
    let search: Search
    /// Told after each batch: its lines and its seconds.
    let onBatch: @Sendable (Int, Double) -> Void
    private let condition = NSCondition()
    /// Requests with lines not yet in a batch, in arrival order.
    private var waiting: [Job] = []
    /// Every request not yet answered (for cancellation).
    private var open: [Int: Job] = [:]
    private var queuedLines = 0
    private var nextID = 0
    private var stopping = false
    /// Lines of the last batch: the company the next one waits for.
    private var lastBatchLines = 1
    private var worker: Thread?
    private let finished = DispatchSemaphore(value: 0)

    public init(settings: Settings, search: @escaping Search, onBatch: @escaping @Sendable (Int, Double) -> Void = { _, _ in }) {
        self.settings = settings
        self.search = search
        self.onBatch = onBatch
    }

    /// Starts the worker thread.
    public func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "s2s-batch-queue"
        thread.stackSize = 16 << 20
        worker = thread
        thread.start()
    }

    /// Lines waiting for a batch now.
    public var waitingLines: Int {
        condition.lock(); defer { condition.unlock() }
        return queuedLines
    }

    /// A fresh request id (for `cancel` before `submit` returns).
    public func makeID() -> Int {
        condition.lock(); defer { condition.unlock() }
        nextID += 1
        return nextID
    }

    /// Queues a request's lines. Throws 503 when the queue is full or
    /// stopping; otherwise `completion` is called exactly once.
    public func submit(id: Int, key: Key, lines: [String], completion: @escaping Completion) throws(ServiceError) {
        if lines.isEmpty { completion(.success([])); return }
        condition.lock()
        if stopping {
            condition.unlock()
            throw ServiceError(.overloaded, "the server is stopping", retryAfter: 5)
        }
        if queuedLines + lines.count > settings.maxQueued {
            let waiting = queuedLines
            condition.unlock()
            throw ServiceError(.overloaded, "\(waiting) lines already wait to be translated (this server queues \(settings.maxQueued) at most): retry shortly",
                               retryAfter: 1)
        }
        let job = Job(id: id, key: key, lines: lines, arrival: DispatchTime.now().uptimeNanoseconds, completion: completion)
        waiting.append(job)
        open[id] = job
        queuedLines += lines.count
        condition.signal()
        condition.unlock()
    }

    /// Drops a request (its client went away): its lines not yet in a batch
    /// are never searched, and its completion gets a failure now.
    public func cancel(_ id: Int) {
        condition.lock()
        guard let job = open.removeValue(forKey: id), !job.finished else { condition.unlock(); return }
        job.finished = true
        queuedLines -= job.lines.count - job.next
        waiting.removeAll { $0 === job }
        condition.unlock()
        job.completion(.failure(ServiceError(.cancelled, "the client went away before its answer")))
    }

    /// Refuses new requests, searches every line already queued, and
    /// returns when the worker has answered them all.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        if worker != nil { finished.wait() }
    }

    // ── The worker ────────────────────────────────────────────────────────

    private func run() {
        while let (key, batch) = nextBatch() {
            let started = DispatchTime.now().uptimeNanoseconds
            let results = search(key, batch.map { $0.job.lines[$0.line] })
            onBatch(batch.count, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            deliver(batch, results)
        }
    }

    /// Waits for a batch to be due and takes its lines; nil when stopping
    /// with nothing left.
    private func nextBatch() -> (Key, [(job: Job, line: Int)])? {
        condition.lock(); defer { condition.unlock() }
        while true {
            guard let head = waiting.first else {
                if stopping { return nil }
                condition.wait()
                continue
            }
            let ready = waiting.lazy.filter { $0.key == head.key }.reduce(0) { $0 + $1.lines.count - $1.next }
            let deadline = head.arrival + UInt64(settings.maxWait * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds
            if ready >= min(settings.batchSize, lastBatchLines) || now >= deadline || stopping { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(deadline - now) / 1e9))
        }
        let key = waiting[0].key
        var group = waiting.filter { $0.key == key }
        var batch: [(job: Job, line: Int)] = []
        while batch.count < settings.batchSize && !group.isEmpty {
            for job in group where batch.count < settings.batchSize {
                batch.append((job, job.next))
                job.next += 1
            }
            group.removeAll { $0.next == $0.lines.count }
        }
        waiting.removeAll { $0.next == $0.lines.count }
        queuedLines -= batch.count
        lastBatchLines = batch.count
        return (key, batch)
    }

    private func deliver(_ batch: [(job: Job, line: Int)], _ results: [Result<Output, ServiceError>]) {
        var answers: [(Completion, Result<[Output], ServiceError>)] = []
        condition.lock()
        for ((job, line), result) in zip(batch, results) where !job.finished {
            switch result {
            case .success(let output):
                job.results[line] = output
                job.remaining -= 1
                if job.remaining == 0 {
                    job.finished = true
                    open[job.id] = nil
                    answers.append((job.completion, .success(job.results.map { $0! })))
                }
            case .failure(let error):
                job.finished = true
                open[job.id] = nil
                queuedLines -= job.lines.count - job.next
                waiting.removeAll { $0 === job }
                answers.append((job.completion, .failure(error)))
            }
        }
        condition.unlock()
        for (completion, result) in answers { completion(result) }
    }
}
