import Foundation
import S2SKernels

/// The workspaces of encodings that run side by side: `Shards` searches a
/// batch's shards on their own threads, and each shard's search begins by
/// encoding its sentences. With one shared workspace those encodings would
/// wait for each other (a shard's cores idle meanwhile); each takes one of
/// these instead and gives it back, so the pool holds as many as ran at once.
/// Emptied when the encoder's packs change (a workspace's layers hold them).
final class WorkspacePool<T: Real>: @unchecked Sendable {
    private var free: [Workspace<T>] = []
    private let lock = NSLock()

    /// A free workspace that fits `need`, or a new one (with a too-small
    /// free one's capacity too, which it replaces) made by `make`.
    func take(fitting need: WorkspaceCapacity, make: (WorkspaceCapacity) -> Workspace<T>) -> Workspace<T> {
        lock.lock()
        let small = free.popLast()
        lock.unlock()
        if let small, small.fits(need) { return small }
        return make(small.map { $0.capacity.union(need) } ?? need)
    }

    func give(_ workspace: Workspace<T>) {
        lock.lock()
        free.append(workspace)
        lock.unlock()
    }

    func removeAll() {
        lock.lock()
        free.removeAll()
        lock.unlock()
    }
}
