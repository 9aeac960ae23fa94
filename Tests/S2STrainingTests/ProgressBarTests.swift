import S2STraining
import S2SCore
import XCTest

final class ProgressBarTests: XCTestCase {
    func status(step: Int, elapsed: Double, maxSteps: Int, maxSeconds: Double) -> ProgressBar.Status {
        .init(step: step, epoch: 2, loss: 2.0, tokensPerSecond: 4321, teacherForcing: 0.75, elapsed: elapsed,
              maxSteps: maxSteps, maxSeconds: maxSeconds)
    }

    func testETAFromTheNearerLimit() {
        let bySteps = ProgressBar.eta(status(step: 250, elapsed: 100, maxSteps: 1000, maxSeconds: 0))!
        XCTAssertEqual(bySteps.fraction, 0.25)
        XCTAssertEqual(bySteps.seconds, 300, accuracy: 1e-9)
        let byTime = ProgressBar.eta(status(step: 250, elapsed: 100, maxSteps: 100_000, maxSeconds: 200))!
        XCTAssertEqual(byTime.fraction, 0.5)
        XCTAssertEqual(byTime.seconds, 100, accuracy: 1e-9)
        XCTAssertNil(ProgressBar.eta(status(step: 5, elapsed: 1, maxSteps: 0, maxSeconds: 0)))
    }

    func testLine() {
        let line = ProgressBar.line(status(step: 250, elapsed: 100, maxSteps: 1000, maxSeconds: 0), width: 8)
        XCTAssertEqual(line, "[##......]  25%  step 250  epoch 2  loss 2.000  ppl 7.4  4321 tok/s  tf 0.75  ETA 5m00s")
        XCTAssertEqual(StatusLine.duration(3 * 3600 + 7 * 60), "3h07m")
    }
}
