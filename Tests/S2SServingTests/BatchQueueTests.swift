import Foundation
import S2SServing
import XCTest

/// The batching queue with a stand-in search that records each batch: who
/// shares a batch, in what order answers come back, and what happens when
/// the queue is full, a client goes away, or the server stops.
final class BatchQueueTests: XCTestCase {
    /// Records every batch it is given (key and lines) and answers each line
    /// with its text upper-cased; a line "fail" fails.
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var batches: [(key: Int, lines: [String])] = []
        /// Held until released: the worker blocks in its first batch.
        let gate = DispatchSemaphore(value: 0)
        var holdFirst = false

        func search(_ key: Int, _ lines: [String]) -> [Result<String, ServiceError>] {
            lock.lock()
            batches.append((key, lines))
            let first = batches.count == 1
            lock.unlock()
            if first && holdFirst { gate.wait() }
            return lines.map { $0 == "fail" ? .failure(ServiceError(.badRequest, "cannot", field: "q")) : .success($0.uppercased()) }
        }
        var recorded: [(key: Int, lines: [String])] { lock.lock(); defer { lock.unlock() }; return batches }
    }

    func makeQueue(_ recorder: Recorder, batchSize: Int = 4, maxWait: Double = 0.005, maxQueued: Int = 100) -> BatchQueue<Int, String> {
        var settings = BatchQueue<Int, String>.Settings()
        settings.batchSize = batchSize
        settings.maxWait = maxWait
        settings.maxQueued = maxQueued
        let queue = BatchQueue<Int, String>(settings: settings, search: recorder.search)
        queue.start()
        return queue
    }

    /// Submits and returns a box the completion fills.
    final class Answer: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var result: Result<[String], ServiceError>?
        func wait() -> Result<[String], ServiceError>? { _ = done.wait(timeout: .now() + 30); return result }
    }

    func submit(_ queue: BatchQueue<Int, String>, key: Int = 0, _ lines: [String]) throws -> (Int, Answer) {
        let answer = Answer()
        let id = queue.makeID()
        try queue.submit(id: id, key: key, lines: lines) { answer.result = $0; answer.done.signal() }
        return (id, answer)
    }

    func testEachRequestGetsItsOwnLinesInOrder() throws {
        let recorder = Recorder()
        let queue = makeQueue(recorder, batchSize: 3)
        let a = try submit(queue, ["a1", "a2", "a3", "a4", "a5"]).1
        let b = try submit(queue, ["b1"]).1
        XCTAssertEqual(try a.wait()?.get(), ["A1", "A2", "A3", "A4", "A5"])
        XCTAssertEqual(try b.wait()?.get(), ["B1"])
        queue.stop()
        XCTAssertEqual(recorder.recorded.map(\.lines.count).reduce(0, +), 6)
        XCTAssertTrue(recorder.recorded.allSatisfy { $0.lines.count <= 3 })
    }

    /// A later request's line goes into the next batch, not after all of a
    /// long request's lines; lines of other search options never share one.
    func testLongRequestHoldsOthersUpForOneBatchAtMost() throws {
        let recorder = Recorder()
        recorder.holdFirst = true
        let queue = makeQueue(recorder, batchSize: 4, maxWait: 0)
        let blocker = try submit(queue, ["x"]).1  // the worker holds in this batch
        while recorder.recorded.isEmpty { usleep(1000) }
        let long = try submit(queue, (1...20).map { "l\($0)" }).1
        let short = try submit(queue, ["s1", "s2"]).1
        let other = try submit(queue, key: 1, ["o1"]).1
        recorder.gate.signal()
        for answer in [blocker, long, short, other] { XCTAssertNotNil(try answer.wait()?.get()) }
        queue.stop()
        let batches = recorder.recorded
        XCTAssertEqual(batches[1].lines, ["l1", "s1", "l2", "s2"], "round-robin over the waiting requests, oldest first")
        XCTAssertTrue(batches.allSatisfy { b in b.lines.allSatisfy { ($0.hasPrefix("o")) == (b.key == 1) } })
        let otherBatch = batches.firstIndex { $0.key == 1 }!
        XCTAssertEqual(batches[otherBatch].lines, ["o1"])
    }

    /// A lone line on a quiet queue starts at once; after a batch of two, a
    /// lone line waits (at most maxWait) for the company the last batch had.
    func testABatchWaitsForTheLastBatchsCompanyAtMostMaxWait() throws {
        let recorder = Recorder()
        let queue = makeQueue(recorder, batchSize: 64, maxWait: 0.2)
        var started = Date()
        XCTAssertEqual(try submit(queue, ["alone"]).1.wait()?.get(), ["ALONE"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.15, "nothing to wait for")
        XCTAssertEqual(try submit(queue, ["a", "b"]).1.wait()?.get(), ["A", "B"])
        started = Date()
        XCTAssertEqual(try submit(queue, ["c"]).1.wait()?.get(), ["C"])
        let waited = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(waited, 0.19, "a line waits for the last batch's company")
        XCTAssertLessThan(waited, 5)
        XCTAssertEqual(recorder.recorded.map(\.lines), [["alone"], ["a", "b"], ["c"]])
        // As many lines as the last batch had start it at once.
        started = Date()
        let d = try submit(queue, ["d"]).1
        XCTAssertEqual(d.wait().flatMap { try? $0.get() }, ["D"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.15, "the last batch had one line")
        queue.stop()
    }

    func testAFullQueueRefusesWithRetryAfter() throws {
        let recorder = Recorder()
        recorder.holdFirst = true
        let queue = makeQueue(recorder, batchSize: 1, maxWait: 0, maxQueued: 3)
        let first = try submit(queue, ["x"]).1
        while recorder.recorded.isEmpty { usleep(1000) }
        let waiting = try submit(queue, ["a", "b", "c"]).1
        XCTAssertThrowsError(try submit(queue, ["d"])) {
            let e = $0 as? ServiceError
            XCTAssertEqual(e?.status, 503)
            XCTAssertEqual(e?.retryAfter, 1)
        }
        XCTAssertEqual(queue.waitingLines, 3)
        recorder.gate.signal()
        XCTAssertNotNil(try first.wait()?.get())
        XCTAssertNotNil(try waiting.wait()?.get())
        queue.stop()
    }

    /// A cancelled request's waiting lines are never searched; a failing
    /// line fails its own request only.
    func testCancelAndFailureTouchOneRequestOnly() throws {
        let recorder = Recorder()
        recorder.holdFirst = true
        let queue = makeQueue(recorder, batchSize: 2, maxWait: 0)
        let first = try submit(queue, ["x"]).1
        while recorder.recorded.isEmpty { usleep(1000) }
        let (goneID, gone) = try submit(queue, ["g1", "g2", "g3", "g4"])
        let failing = try submit(queue, ["ok", "fail"]).1
        let fine = try submit(queue, ["f1"]).1
        queue.cancel(goneID)
        XCTAssertEqual(gone.wait().map { (try? $0.get()) == nil }, true)
        recorder.gate.signal()
        XCTAssertNotNil(try first.wait()?.get())
        guard case .failure(let e)? = failing.wait() else { return XCTFail("a failing line must fail its request") }
        XCTAssertEqual(e.field, "q")
        XCTAssertEqual(try fine.wait()?.get(), ["F1"])
        queue.stop()
        XCTAssertFalse(recorder.recorded.flatMap(\.lines).contains { $0.hasPrefix("g") })
    }

    /// Stopping answers everything queued, then refuses.
    func testStopFinishesWhatIsQueued() throws {
        let recorder = Recorder()
        let queue = makeQueue(recorder, batchSize: 2, maxWait: 10)
        let answers = try (0..<5).map { try submit(queue, ["r\($0)"]).1 }
        queue.stop()
        for (k, a) in answers.enumerated() { XCTAssertEqual(try a.wait()?.get(), ["R\(k)"]) }
        XCTAssertThrowsError(try submit(queue, ["late"])) { XCTAssertEqual(($0 as? ServiceError)?.status, 503) }
    }
}
