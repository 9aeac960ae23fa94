import S2SServing
import XCTest

/// When a connection is closed for being slow, through each phase of its
/// requests: times in seconds, timeouts of 10 (head), 60 (body), 30 (idle).
final class ConnectionDeadlineTests: XCTestCase {
    var timeouts: ConnectionTimeouts {
        var t = ConnectionTimeouts()
        t.header = 10
        t.body = 60
        t.idle = 30
        return t
    }

    func assertDeadline(_ d: ConnectionDeadline, _ at: Double?, _ reason: ConnectionDeadline.Reason?,
                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(d.deadline?.at, at, file: file, line: line)
        XCTAssertEqual(d.deadline?.reason, reason, file: file, line: line)
    }

    func testARequestThenIdle() {
        var d = ConnectionDeadline(timeouts, openedAt: 100)
        assertDeadline(d, 110, .header)
        d.readComplete(now: 105)  // half the head: the deadline stands
        assertDeadline(d, 110, .header)
        d.readHead(now: 108)
        d.readComplete(now: 108)
        assertDeadline(d, 168, .body)
        d.readComplete(now: 150)  // a trickle of body bytes renews nothing
        assertDeadline(d, 168, .body)
        d.readEnd(now: 160)
        d.readComplete(now: 160)
        assertDeadline(d, nil, nil)  // answering: no deadline, however long
        d.answered(now: 500)
        assertDeadline(d, 530, .idle)
        d.readComplete(now: 520)  // the next request's first bytes
        assertDeadline(d, 530, .header)
    }

    func testAWholeRequestInOneRead() {
        var d = ConnectionDeadline(timeouts, openedAt: 0)
        d.readHead(now: 1)
        d.readEnd(now: 1)
        d.readComplete(now: 1)  // gave parts: not the start of another head
        assertDeadline(d, nil, nil)
        d.answered(now: 2)
        assertDeadline(d, 32, .idle)
    }

    /// Answered before its body is read (413 over --max-body-bytes): the
    /// body must still arrive in time.
    func testAnAnswerBeforeTheBodyEnds() {
        var d = ConnectionDeadline(timeouts, openedAt: 0)
        d.readHead(now: 1)
        d.answered(now: 2)
        assertDeadline(d, 61, .body)
        d.readEnd(now: 3)
        assertDeadline(d, 3 + 30, .idle)
    }

    /// Two requests pipelined: no idle deadline until both are answered.
    func testPipelinedRequests() {
        var d = ConnectionDeadline(timeouts, openedAt: 0)
        d.readHead(now: 1); d.readEnd(now: 1)
        d.readHead(now: 1); d.readEnd(now: 1)
        d.readComplete(now: 1)
        d.answered(now: 5)
        assertDeadline(d, nil, nil)
        d.answered(now: 9)
        assertDeadline(d, 39, .idle)
    }

    /// A client that half-closes while its answer is searched: the end of
    /// its input is not the start of another request.
    func testAHalfClosedClientWaitsForItsAnswer() {
        var d = ConnectionDeadline(timeouts, openedAt: 0)
        d.readHead(now: 1); d.readEnd(now: 1)
        d.readComplete(now: 1)
        d.readInputEnd()
        d.readComplete(now: 2)
        assertDeadline(d, nil, nil)
    }
}
