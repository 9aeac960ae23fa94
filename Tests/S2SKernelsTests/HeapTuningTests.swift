import Glibc
import S2SKernels
import XCTest

/// With the allocator set, a large buffer freed and made again is the same
/// memory: the heap's, kept, not a fresh mapping whose pages fault in anew.
/// (glibc's default maps a block this large afresh, unless the process has
/// already freed a mapped block at least as large: its threshold then rises.)
final class HeapTuningTests: XCTestCase {
    func testAFreedLargeBufferIsReused() throws {
        try XCTSkipUnless(HeapTuning.keepFreedBuffers(),
                          "MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ is set: the user's setting is kept")
        let bytes = 30 << 20  // under the 32 MiB the setting keeps on the heap
        let first = malloc(bytes)!
        memset(first, 1, bytes)
        free(first)
        let second = malloc(bytes)!
        defer { free(second) }
        XCTAssertEqual(first, second, "a 30 MiB buffer was mapped afresh instead of reusing the freed one")
    }
}
