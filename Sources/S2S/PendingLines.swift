import Synchronization

/// Lines that have arrived from an asynchronous sequence and wait to be
/// translated. A task reads the sequence into it as fast as it yields, so
/// that the translator can take whatever has arrived — a whole batch from a
/// file or a fast pipe, a single line from a person typing — without
/// waiting for a batch to fill.
final class PendingLines: Sendable {
    private struct State {
        var lines: [String] = []
        /// The sequence ended (with `failure`, if it threw).
        var finished = false
        var failure: (any Error)?
        /// The translator, waiting for a line or the end.
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Starts reading `lines`; the reading stops at their end, when the
    /// task that reads them is cancelled, or when nothing holds this any more.
    static func reading<Lines: AsyncSequence & Sendable>(_ lines: Lines) -> (PendingLines, Task<Void, Never>)
    where Lines.Element == String {
        let pending = PendingLines()
        let task = Task { [weak pending] in
            var failure: (any Error)?
            do {
                for try await line in lines {
                    guard let pending, !Task.isCancelled else { break }
                    pending.update { $0.lines.append(line) }
                }
            } catch {
                failure = error
            }
            if failure == nil && Task.isCancelled { failure = CancellationError() }
            pending?.update { $0.finished = true; $0.failure = failure }
        }
        return (pending, task)
    }

    /// Changes the state and wakes the translator if it waits.
    private func update(_ change: (inout State) -> Void) {
        let waiter = state.withLock { s in
            change(&s)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// At least one line and at most `limit` of those that have arrived, in
    /// order; empty at the end of the sequence. Rethrows the sequence's error.
    func take(upTo limit: Int) async throws -> [String] {
        while true {
            let taken: Result<[String], any Error>? = state.withLock { s in
                if !s.lines.isEmpty {
                    let batch = Array(s.lines.prefix(limit))
                    s.lines.removeFirst(batch.count)
                    return .success(batch)
                }
                guard s.finished else { return nil }
                return s.failure.map { .failure($0) } ?? .success([])
            }
            if let taken { return try taken.get() }
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s in
                    if !s.lines.isEmpty || s.finished { return true }
                    s.waiter = waiter
                    return false
                }
                if ready { waiter.resume() }
            }
        }
    }
}
