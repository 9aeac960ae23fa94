import Foundation

/// One client connection as the service sees it: when the client goes away
/// (the HTTP layer calls `closed`), the requests still open on it are
/// cancelled, so that their lines not yet searched never are. What it holds
/// is bounded by the requests open on the connection at once.
public final class ClientConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [Int: @Sendable () -> Void] = [:]
    private var isClosed = false

    public init() {}

    /// Runs `cancel` if the connection closes before `unwatch(id)`.
    func watch(_ id: Int, _ cancel: @escaping @Sendable () -> Void) {
        lock.lock()
        if isClosed { lock.unlock(); cancel(); return }
        open[id] = cancel
        lock.unlock()
    }

    func unwatch(_ id: Int) {
        lock.lock(); open[id] = nil; lock.unlock()
    }

    /// The client went away: cancel what is open on it.
    public func closed() {
        lock.lock()
        isClosed = true
        let cancels = Array(open.values)
        open = [:]
        lock.unlock()
        cancels.forEach { $0() }
    }
}
