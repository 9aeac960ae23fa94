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

    /// A free workspace that fits `need`, or a new one made by `make`: with
    /// a too-small free one's capacity too, which it replaces, its lengths
    /// half as long again (a translator sends its batches shortest first, so
    /// each would otherwise outgrow the last by a few positions, and every
    /// new workspace's pages are faulted in anew).
    func take(fitting need: WorkspaceCapacity, make: (WorkspaceCapacity) -> Workspace<T>) -> Workspace<T> {
        lock.lock()
        let small = free.popLast()
        lock.unlock()
        if let small, small.fits(need) { return small }
        return make(small.map { $0.capacity.grown(by: 1.5).union(need) } ?? need)
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
