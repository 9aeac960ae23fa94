import Foundation
import S2STraining
import XCTest

final class TeacherForcingScheduleTests: XCTestCase {
    func testValues() {
        XCTAssertEqual(TeacherForcingSchedule.constant(0.7).ratio(atStep: 1000), 0.7)
        let linear = TeacherForcingSchedule.linear(k: 1, slope: 0.001, minimum: 0.25)
        XCTAssertEqual(linear.ratio(atStep: 0), 1)
        XCTAssertEqual(linear.ratio(atStep: 500), 0.5, accuracy: 1e-12)
        XCTAssertEqual(linear.ratio(atStep: 10_000), 0.25)
        XCTAssertEqual(TeacherForcingSchedule.exponential(k: 0.99).ratio(atStep: 100), pow(0.99, 100), accuracy: 1e-12)
        let sigmoid = TeacherForcingSchedule.inverseSigmoid(k: 100)
        XCTAssertEqual(sigmoid.ratio(atStep: 0), 100.0 / 101.0, accuracy: 1e-12)
        XCTAssertEqual(sigmoid.ratio(atStep: Int((100 * log(100.0)).rounded())), 0.5, accuracy: 0.01)  // k/(k + k) at i = k·ln k
        XCTAssertLessThan(sigmoid.ratio(atStep: 2000), 1e-6)
    }

    func testParsing() {
        XCTAssertEqual(TeacherForcingSchedule(argument: "1.0"), .constant(1))
        XCTAssertEqual(TeacherForcingSchedule(argument: "inverse-sigmoid:500"), .inverseSigmoid(k: 500))
        XCTAssertEqual(TeacherForcingSchedule(argument: "linear:1:0.0001:0.5"), .linear(k: 1, slope: 0.0001, minimum: 0.5))
        XCTAssertEqual(TeacherForcingSchedule(argument: "exponential:0.999"), .exponential(k: 0.999))
        for bad in ["2", "-0.1", "linear:1", "inverse-sigmoid:0.5", "exponential:1.5", "sometimes"] {
            XCTAssertNil(TeacherForcingSchedule(argument: bad), bad)
        }
    }
}
