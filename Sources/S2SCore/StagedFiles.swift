#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that belong together (a vocabulary and the shards made with it),
/// written under temporary names first and renamed into place only when
/// every one of them is written: a run that fails on the way (a full disk,
/// an error, Ctrl-C) changes none of the files it would have replaced, so
/// no shard is ever left beside a vocabulary it was not made with.
/// Renaming takes no space, so once `stage` has succeeded for all, `commit`
/// does not fail for want of it.
public final class StagedFiles {
    private var staged: [(temporary: String, path: String)] = []

    public init() {}

    /// Writes `bytes` to a temporary file beside `path`, fsynced.
    public func stage(_ bytes: [UInt8], to path: String) throws(FileError) {
        let temporary = try AtomicFile.writeTemporary(for: path) { (sink: AtomicFile.Sink) throws(FileError) in
            try sink.write(bytes)
        }
        staged.append((temporary, path))
    }

    /// Takes a finished `StagedOutput` (its temporary file) into the set.
    public func stage(_ output: StagedOutput) {
        staged.append((output.temporary, output.path))
    }

    /// Renames every staged file onto its path, in the order they were
    /// staged (put the file that says the rest is complete last).
    public func commit() throws(FileError) {
        while !staged.isEmpty {
            let next = staged.removeFirst()
            try AtomicFile.publish(next.temporary, to: next.path)
        }
    }

    /// Removes the staged files that were not committed.
    public func discard() {
        for file in staged { unlink(file.temporary) }
        staged.removeAll()
    }

    deinit { discard() }
}
