import NIOCore
import NIOHTTPTypes
import S2SServing

/// Closes a connection whose client is too slow: a request's head or body
/// not arriving within its timeout, or a kept-alive connection idle for
/// longer than allowed (`ConnectionDeadline` decides when). Sits after the
/// HTTP decoder, so it sees requests as parts, and a read that gave no part
/// as the first bytes of one.
final class SlowClientTimeouts: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart

    let timeouts: ConnectionTimeouts
    let onTimeout: @Sendable (ConnectionDeadline.Reason) -> Void
    private var state: ConnectionDeadline?
    private var timer: Scheduled<Void>?
    private var timerAt: Double?

    init(_ timeouts: ConnectionTimeouts, onTimeout: @escaping @Sendable (ConnectionDeadline.Reason) -> Void) {
        self.timeouts = timeouts
        self.onTimeout = onTimeout
    }

    static var now: Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }

    /// The connection's opening (its handlers are added before it is
    /// registered, so each sees it become active).
    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: update(context) { $0.readHead(now: Self.now) }
        case .body: break
        case .end: update(context) { $0.readEnd(now: Self.now) }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        update(context) { $0.readComplete(now: Self.now) }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { update(context) { $0.readInputEnd() } }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { update(context) { $0.answered(now: Self.now) } }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard state == nil else { return }
        state = ConnectionDeadline(timeouts, openedAt: Self.now)
        schedule(context)
    }

    private func update(_ context: ChannelHandlerContext, _ change: (inout ConnectionDeadline) -> Void) {
        guard state != nil else { return }
        change(&state!)
        schedule(context)
    }

    /// One timer, at the current deadline; it closes the channel if the
    /// deadline still stands when it fires.
    private func schedule(_ context: ChannelHandlerContext) {
        let deadline = state?.deadline
        guard deadline?.at != timerAt else { return }
        timer?.cancel()
        timer = nil
        timerAt = deadline?.at
        guard let deadline else { return }
        let delay = TimeAmount.nanoseconds(Int64(max(0, deadline.at - Self.now) * 1e9))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            handler.timerAt = nil
            guard let current = handler.state?.deadline, current.at <= Self.now else { return handler.schedule(context) }
            handler.onTimeout(current.reason)
            context.close(promise: nil)
        }
    }
}
