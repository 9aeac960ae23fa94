#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zero-filled memory straight from the kernel (an anonymous mapping): page
/// aligned, and a page becomes resident only when it is first touched. So a
/// buffer that a run never uses — the gradients and the training-only
/// activations when a model only translates — costs address space, not RAM,
/// and nothing is spent clearing it.
public enum ZeroedMemory {
    /// `count` zeroed values of `T`; free with `deallocate(_:count:)`.
    public static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              p != MAP_FAILED else {
            fatalError("out of memory: could not map \(bytes) bytes (\(String(cString: strerror(errno))))")
        }
        return p.bindMemory(to: T.self, capacity: max(count, 1))
    }

    public static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
        munmap(UnsafeMutableRawPointer(pointer), max(count, 1) * MemoryLayout<T>.stride)
    }
}
