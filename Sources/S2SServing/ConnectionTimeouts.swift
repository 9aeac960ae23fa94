/// How long one HTTP connection may take over each part of a request, and
/// over waiting for the next: a client that sends half a request and stops
/// (or trickles it) is closed, so that it holds no descriptor for ever.
public struct ConnectionTimeouts: Sendable, Equatable {
    /// Seconds from a request's first byte (a new connection's opening, for
    /// its first request) to the end of its head.
    public var header = 10.0
    /// Seconds from the end of a request's head to the end of its body.
    public var body = 60.0
    /// Seconds a kept-alive connection may wait, after an answer, for the
    /// first byte of its next request.
    public var idle = 60.0
    public init() {}
}
