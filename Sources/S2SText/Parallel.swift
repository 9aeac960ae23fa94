import Foundation

/// Runs `body` over `count` items split into contiguous chunks, one worker
/// thread per state in `states`, and returns the per-chunk results in order.
/// Each worker uses its own state (an ICU breaker, a BPE cache), kept from
/// call to call, so nothing mutable is shared between threads and caches
/// last for the whole corpus. Results do not depend on which worker took a
/// chunk, so they are the same for any number of workers.
///
/// On Dispatch, not on the kernels' spinning pool (`Parallel.ranges` in
/// S2SKernels): text sits beside the kernels, not above them, and its work
/// comes in chunks of hundreds of lines (milliseconds each), where a
/// hand-off's microseconds do not count and threads that spin between jobs
/// would only burn a core.
func chunkedMap<State: AnyObject, Output>(
    count: Int, chunkSize: Int = 512, states: [State],
    body: @Sendable (State, Range<Int>) throws -> Output
) throws -> [Output] {
    let chunks = stride(from: 0, to: count, by: chunkSize).map { $0..<min($0 + chunkSize, count) }
    let slots = ChunkSlots<Output>(count: chunks.count)
    let workers = WorkerStates(states)
    DispatchQueue.concurrentPerform(iterations: max(1, min(states.count, chunks.count))) { w in
        do {
            let state = workers.states[w]
            while let c = slots.claim() {
                slots.store(try body(state, chunks[c]), at: c)
            }
        } catch {
            slots.fail(error)
        }
    }
    return try slots.results()
}

/// The workers' states, handed to the worker threads: worker w alone uses
/// `states[w]`.
private struct WorkerStates<State>: @unchecked Sendable {
    let states: [State]
    init(_ states: [State]) { self.states = states }
}

/// The results of `chunkedMap`, filled in by worker threads under a lock.
private final class ChunkSlots<Output>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Output?]
    private var nextChunk = 0
    private var error: (any Error)?

    init(count: Int) { items = Array(repeating: nil, count: count) }

    /// The next chunk to work on, or nil when all are taken or one failed.
    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard error == nil, nextChunk < items.count else { return nil }
        nextChunk += 1
        return nextChunk - 1
    }

    func store(_ output: Output, at index: Int) {
        lock.lock()
        items[index] = output
        lock.unlock()
    }

    func fail(_ error: any Error) {
        lock.lock()
        if self.error == nil { self.error = error }
        lock.unlock()
    }

    func results() throws -> [Output] {
        if let error { throw error }
        return items.map { $0! }
    }
}
