import Foundation
import NIOCore

/// The connections open at once, at most `max`: one over it is closed as
/// soon as it opens, so that a flood of connections cannot take the
/// descriptors the server needs to answer the others.
final class OpenConnections: @unchecked Sendable {  // `open` is guarded by `lock`
    let max: Int
    private let lock = NSLock()
    private var open = 0

    init(max: Int) { self.max = max }

    /// Counts a new connection; false (and not counted) when `max` are open.
    func admit() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard open < max else { return false }
        open += 1
        return true
    }

    func leave() {
        lock.lock(); open -= 1; lock.unlock()
    }
}

/// Admits its channel into `OpenConnections` when it opens (or closes it at
/// once, calling `onRefused`), and lets it out when it closes.
final class ConnectionLimit: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let connections: OpenConnections
    let onRefused: @Sendable () -> Void
    private var admitted: Bool?

    init(_ connections: OpenConnections, onRefused: @escaping @Sendable () -> Void) {
        self.connections = connections
        self.onRefused = onRefused
    }

    /// Hummingbird adds its handlers before an accepted channel is
    /// registered, so each sees it become active.
    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func release() {
        if admitted == true { connections.leave() }
        admitted = false
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard admitted == nil else { return }
        admitted = connections.admit()
        if admitted == false {
            onRefused()
            context.close(promise: nil)
        }
    }
}
