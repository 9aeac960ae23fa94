import Foundation

/// A line chart as a self-contained SVG file: axes with round-number ticks,
/// one polyline per series, a legend. Hand-written (no dependencies), for
/// the training curves in models/NAME/plots/.
public struct SVGPlot {
    public struct Series {
        public var name: String
        public var color: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, color: String, points: [(x: Double, y: Double)]) {
            self.name = name; self.color = color; self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 720.0, height = 420.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    /// About `count` round tick values (1, 2, 5 × 10^k steps) covering [lo, hi].
    public static func ticks(_ lo: Double, _ hi: Double, count: Int = 6) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        // Multiples k·step, computed from k (repeated addition drifts: 0.6000000000000001).
        var k = Foundation.ceil(lo / step - 1e-9)
        var out: [Double] = []
        while k * step <= hi + step * 1e-9 {
            let t = (k * step * 1e12).rounded() / 1e12
            out.append(t == 0 ? 0 : t)
            k += 1
        }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e7 { return String(Int(v)) }
        return String(format: abs(v) >= 100 ? "%.0f" : abs(v) >= 1 ? "%.2g" : "%.3g", v)
    }

    public var svg: String {
        let left = 70.0, right = 20.0, top = 40.0, bottom = 50.0
        let pw = width - left - right, ph = height - top - bottom
        let all = series.flatMap(\.points).filter { $0.y.isFinite }
        var xs = (all.map(\.x).min() ?? 0, all.map(\.x).max() ?? 1)
        var ys = (all.map(\.y).min() ?? 0, all.map(\.y).max() ?? 1)
        if xs.1 <= xs.0 { xs.1 = xs.0 + 1 }
        if ys.1 <= ys.0 { ys = (ys.0 - 0.5, ys.1 + 0.5) }
        let yPad = (ys.1 - ys.0) * 0.05
        ys = (ys.0 - yPad, ys.1 + yPad)
        func px(_ x: Double) -> Double { left + (x - xs.0) / (xs.1 - xs.0) * pw }
        func py(_ y: Double) -> Double { top + ph - (y - ys.0) / (ys.1 - ys.0) * ph }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="22" text-anchor="middle" font-size="15">\(esc(title))</text>

            """
        for t in Self.ticks(xs.0, xs.1) {
            out += "<line x1=\"\(px(t))\" y1=\"\(top)\" x2=\"\(px(t))\" y2=\"\(top + ph)\" stroke=\"#eee\"/>"
            out += "<text x=\"\(px(t))\" y=\"\(top + ph + 16)\" text-anchor=\"middle\">\(Self.label(t))</text>\n"
        }
        for t in Self.ticks(ys.0, ys.1) {
            out += "<line x1=\"\(left)\" y1=\"\(py(t))\" x2=\"\(left + pw)\" y2=\"\(py(t))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(left - 6)\" y=\"\(py(t) + 4)\" text-anchor=\"end\">\(Self.label(t))</text>\n"
        }
        out += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(pw)\" height=\"\(ph)\" fill=\"none\" stroke=\"#444\"/>\n"
        out += "<text x=\"\(left + pw / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        out += "<text transform=\"translate(16 \(top + ph / 2)) rotate(-90)\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        for (i, s) in series.enumerated() {
            let pts = s.points.filter { $0.y.isFinite }
            if pts.count == 1 {
                out += "<circle cx=\"\(px(pts[0].x))\" cy=\"\(py(pts[0].y))\" r=\"3\" fill=\"\(s.color)\"/>\n"
            } else if !pts.isEmpty {
                let path = pts.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.8\" points=\"\(path)\"/>\n"
            }
            let ly = top + 14 + Double(i) * 16
            out += "<line x1=\"\(left + pw - 120)\" y1=\"\(ly - 4)\" x2=\"\(left + pw - 100)\" y2=\"\(ly - 4)\" "
                + "stroke=\"\(s.color)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(left + pw - 94)\" y=\"\(ly)\">\(esc(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }
}
