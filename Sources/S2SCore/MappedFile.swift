#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only (private), for readers that validate a
/// binary format in place and then read it without copying (token shards,
/// safetensors checkpoints). Opening checks that the file opens, is a
/// regular size and holds at least `minimumSize` bytes; every failure is an
/// `InputError` naming the file. The mapping lives as long as the object.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// The first byte; nil for an empty file (which maps nothing).
    public let base: UnsafeRawPointer?
    public let size: Int

    /// `format` names what the file should be in the too-short message ("a
    /// token shard"), `sizeNote` says why that many bytes, and `hint` is what
    /// to do about a short or unreadable file.
    public init(path: String, minimumSize: Int, format: String, sizeNote: String = "",
                openHint: String, corruptHint: String) throws(InputError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw InputError(file: path, problem: "cannot open: \(String(cString: strerror(errno)))", hint: openHint)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw InputError(file: path, problem: "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw InputError(file: path, problem: "is not a regular file", hint: openHint)
        }
        let size = Int(info.st_size)
        guard size >= minimumSize else {
            let why = sizeNote.isEmpty ? "" : " (\(sizeNote))"
            throw InputError(file: path, problem: "is \(size) bytes, too short for \(format)\(why)", hint: corruptHint)
        }
        self.path = path
        self.size = size
        guard size > 0 else {
            base = nil
            return
        }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw InputError(file: path, problem: "cannot be memory-mapped: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(map)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// The whole file.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

    /// Drops the whole pages of a range that has been read from this
    /// process's memory (the mapping is read-only and private, so they are
    /// only cached file pages): copying a checkpoint out then peaks at the
    /// destination plus one tensor, not twice the model.
    public func release(_ start: UnsafeRawPointer, byteCount: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let last = (Int(bitPattern: start) + byteCount) / page * page
        if last > first { madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, MADV_DONTNEED) }
    }
}
