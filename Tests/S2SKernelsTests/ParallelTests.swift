import Dispatch
import S2SKernels
import XCTest

/// `Parallel.ranges` on the spinning pool: every index once, in the right
/// ranges; calls from inside a part and from several threads at once run
/// (on the caller, in order) instead of waiting for the busy pool.
final class ParallelTests: XCTestCase {
    func testRangesCoverEveryIndexOnce() {
        for (count, parts, minimum, alignment) in [(1000, 2, 1, 1), (1000, 3, 1, 16), (1001, 7, 1, 4),
                                                   (10, 8, 4, 1), (5, 4, 1, 1), (0, 2, 1, 1)] {
            var hits = [Int](repeating: 0, count: count)
            var ranges: [Range<Int>] = []
            let lock = NSLock()
            hits.withUnsafeMutableBufferPointer { h in
                let hits = UnsafeSendable(h)
                Parallel.ranges(count, parts: parts, minimum: minimum, alignment: alignment) { r in
                    for i in r { hits.pointer[i] += 1 }
                    lock.lock(); ranges.append(r); lock.unlock()
                }
            }
            let name = "count=\(count) parts=\(parts) minimum=\(minimum) alignment=\(alignment)"
            XCTAssertEqual(hits, [Int](repeating: 1, count: count), name)
            XCTAssertLessThanOrEqual(ranges.count, max(1, min(parts, count / minimum)), name)
            for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }).dropFirst() {
                XCTAssertEqual(r.lowerBound % alignment, 0, name)
            }
        }
    }

    func testNestedAndConcurrentCallsFinish() {
        // Inside a part: the pool is busy, so the inner call runs its parts itself.
        var inner = [Int](repeating: 0, count: 4 * 100)
        inner.withUnsafeMutableBufferPointer { b in
            let b = UnsafeSendable(b)
            Parallel.ranges(4, parts: 4) { outer in
                for o in outer {
                    Parallel.ranges(100, parts: 2) { r in for i in r { b.pointer[o * 100 + i] = o + 1 } }
                }
            }
        }
        XCTAssertEqual(inner, (0..<400).map { $0 / 100 + 1 })

        // Many threads at once: one gets the pool, the others run alone; all finish.
        var sums = [Int](repeating: 0, count: 16)
        sums.withUnsafeMutableBufferPointer { s in
            let s = UnsafeSendable(s)
            DispatchQueue.concurrentPerform(iterations: 16) { t in
                for _ in 0..<200 {
                    var parts = [Int](repeating: 0, count: 8)
                    parts.withUnsafeMutableBufferPointer { p in
                        let p = UnsafeSendable(p)
                        Parallel.ranges(8000, parts: 8) { r in p.pointer[r.lowerBound / 1000] = r.reduce(0, +) }
                    }
                    s.pointer[t] += parts.reduce(0, +)
                }
            }
        }
        XCTAssertEqual(sums, [Int](repeating: 200 * (7999 * 8000 / 2), count: 16))
    }
}
