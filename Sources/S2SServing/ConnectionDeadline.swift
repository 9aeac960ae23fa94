/// When one HTTP connection is to be closed for being too slow, given what
/// it has read and written so far (`ConnectionTimeouts` gives the lengths).
/// Times are seconds on one monotonic clock.
///
/// Reading goes waiting → head → body → waiting for each request. A
/// request's head starts with its first bytes (seen as a read that gives no
/// HTTP part yet) or, for a new connection, at its opening. While the
/// server answers a request that was read whole there is no deadline: the
/// search may take long, and the client is waiting for it.
public struct ConnectionDeadline: Sendable {
    public enum Reason: String, Sendable { case header = "header_timeout", body = "body_timeout", idle = "idle_timeout" }
    enum Reading: Equatable { case waiting(since: Double), head(since: Double), body(since: Double) }

    let timeouts: ConnectionTimeouts
    private(set) var reading: Reading
    /// Requests whose head was read and whose answer is not written yet.
    private(set) var unanswered = 0
    private var partsThisRead = false
    private var inputEnded = false

    /// A connection that opened at `now`: its first request's head is due.
    public init(_ timeouts: ConnectionTimeouts, openedAt now: Double) {
        self.timeouts = timeouts
        reading = .head(since: now)
    }

    /// The time it is to be closed, and why (nil: not while things stand).
    public var deadline: (at: Double, reason: Reason)? {
        switch reading {
        case .head(let since): (since + timeouts.header, .header)
        case .body(let since): (since + timeouts.body, .body)
        case .waiting(let since): unanswered == 0 ? (since + timeouts.idle, .idle) : nil
        }
    }

    /// A request's head was decoded.
    public mutating func readHead(now: Double) {
        partsThisRead = true
        unanswered += 1
        reading = .body(since: now)
    }

    /// A request's end was decoded.
    public mutating func readEnd(now: Double) {
        partsThisRead = true
        reading = .waiting(since: now)
    }

    /// A read from the socket ended. One that gave no part while waiting
    /// brought the next request's first bytes.
    public mutating func readComplete(now: Double) {
        if case .waiting = reading, !partsThisRead, !inputEnded { reading = .head(since: now) }
        partsThisRead = false
    }

    /// The client half-closed: no request follows, whatever it still reads.
    public mutating func readInputEnd() {
        inputEnded = true
    }

    /// An answer's last byte was written.
    public mutating func answered(now: Double) {
        unanswered = max(0, unanswered - 1)
        if unanswered == 0, case .waiting = reading { reading = .waiting(since: now) }
    }
}
