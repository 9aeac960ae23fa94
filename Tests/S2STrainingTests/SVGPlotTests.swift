import S2STraining
import XCTest

final class SVGPlotTests: XCTestCase {
    func testTicksAreRoundNumbers() {
        XCTAssertEqual(SVGPlot.ticks(0, 600), [0, 100, 200, 300, 400, 500, 600])
        XCTAssertEqual(SVGPlot.ticks(0.03, 0.97), [0.2, 0.4, 0.6, 0.8])
        XCTAssertEqual(SVGPlot.ticks(-1, 1), [-1, -0.5, 0, 0.5, 1])
    }

    func testDrawsEverySeriesAndEscapesText() {
        let plot = SVGPlot(title: "loss <train & valid>", xLabel: "step", yLabel: "nats", series: [
            .init(name: "train", color: "#1f77b4", points: [(1, 3), (2, 2), (3, 1)]),
            .init(name: "valid", color: "#d62728", points: [(2, 2.5)]),
        ])
        let svg = plot.svg
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 1)
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 1)
        XCTAssertTrue(svg.contains("loss &lt;train &amp; valid>"))
    }
}
