import Dispatch
import S2SKernels

/// Sentences are searched independently, so a batch splits into shards that
/// are searched side by side, one thread each, with every product of a
/// shard on its own thread. Splitting each product over the cores instead
/// leaves the rest of a step (cells, attention, softmax, top-k, beam
/// bookkeeping: nearly half of beam-5 decoding with bfloat16 weights) on one
/// core. Small shards do not pay: each streams all the weights for a few
/// rows, so a shard needs `minimumRows` decoder rows (sentences × beam).
/// Measurements: docs/PERFORMANCE.md, "Decoding in shards".
///
/// The shards interleave the sentences (shard i takes i, i + n, …): callers
/// sort by length, so every shard gets the same mix of lengths.
///
/// On Dispatch, not on the kernels' spinning pool: a shard is a whole search
/// (milliseconds to seconds), so a hand-off's microseconds do not count,
/// and the pool runs one job at a time while each shard's own work must be
/// free to run.
public enum Shards {
    /// Fewest decoder rows (sentences × rows each) worth a shard of their own.
    public static let minimumRows = 64

    /// `search` over `sources` in up to `threads` shards of at least
    /// `minimumRows` rows (`rowsPerSentence` each: the beam size); the
    /// results in the order of `sources`. With one shard, `search` runs on the
    /// calling thread with the products split over `KernelThreads.current`.
    public static func map<R>(_ sources: [[Int32]], rowsPerSentence: Int, threads: Int = KernelThreads.current,
                              _ search: ([[Int32]]) -> [R]) -> [R] {
        let n = min(max(threads, 1), sources.count * max(rowsPerSentence, 1) / minimumRows)
        if n <= 1 { return search(sources) }
        var results = [[R]](repeating: [], count: n)
        // Each shard's products stay on its thread: its own settings, one
        // thread, the caller's precision (Dispatch's threads do not inherit
        // the caller's settings).
        let shard = KernelSettings(threads: 1)
        results.withUnsafeMutableBufferPointer { out in
            let slots = UnsafeSendable(out)
            withoutActuallyEscaping(search) { search in
                let box = UnsafeSendable(search)
                DispatchQueue.concurrentPerform(iterations: n) { i in
                    let mine = stride(from: i, to: sources.count, by: n).map { sources[$0] }
                    slots.pointer[i] = shard.run { box.pointer(mine) }
                }
            }
        }
        // Back to the input order: sentence j is item j / n of shard j % n.
        return (0..<sources.count).map { results[$0 % n][$0 / n] }
    }
}
