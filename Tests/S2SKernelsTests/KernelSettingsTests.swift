import Foundation
import S2SKernels
import XCTest

/// `KernelSettings` are scoped: bound for a call and what it calls,
/// restored after it, and never seen by other threads.
final class KernelSettingsTests: XCTestCase {
    func testSettingsHoldForTheCallAndAreRestoredAfterIt() {
        let outside = KernelSettings.current
        XCTAssertEqual(outside, KernelSettings.standard, "nothing bound in a test")
        XCTAssertEqual(outside.precision, .float32)
        KernelSettings(threads: 3, precision: .bfloat16).run {
            XCTAssertEqual(KernelThreads.current, 3)
            XCTAssertEqual(Matmul.precision, .bfloat16)
            // A nested binding keeps what it does not name.
            KernelSettings(threads: 1).run {
                XCTAssertEqual(KernelThreads.current, 1)
                XCTAssertEqual(Matmul.precision, .bfloat16)
            }
            XCTAssertEqual(KernelThreads.current, 3)
        }
        XCTAssertEqual(KernelSettings.current, outside)
    }

    func testOtherThreadsDoNotSeeAThreadsSettings() {
        let threads = KernelSettings.standard.threads + 5
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var seen: (Int, PackedMatrix.Precision)?
        KernelSettings(threads: threads, precision: .bfloat16).run {
            // Started, and read, while this thread's settings are bound.
            let other = Thread {
                seen = (KernelThreads.current, Matmul.precision)
                done.signal()
            }
            other.start()
            done.wait()
            XCTAssertEqual(KernelThreads.current, threads)
        }
        XCTAssertEqual(seen?.0, KernelSettings.standard.threads)
        XCTAssertEqual(seen?.1, .float32)
    }

    func testErrorsPassThroughAndTheSettingsAreRestored() {
        struct Stop: Error {}
        XCTAssertThrowsError(try KernelSettings(threads: 7).run { () throws(Stop) in
            XCTAssertEqual(KernelThreads.current, 7)
            throw Stop()
        }) { XCTAssertTrue($0 is Stop) }
        XCTAssertEqual(KernelSettings.current, KernelSettings.standard)
    }

    func testAThreadCountBelowOneIsOne() {
        KernelSettings(threads: 0).run { XCTAssertEqual(KernelThreads.current, 1) }
    }
}
