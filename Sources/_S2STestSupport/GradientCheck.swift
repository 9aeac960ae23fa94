import XCTest

/// Finite-difference gradient checks and numeric comparisons with stated
/// tolerances, reporting the first mismatch and the largest difference.
public enum GradientCheck {
    /// Central differences (f(x + h·e_k) − f(x − h·e_k)) / 2h for every k.
    /// In Double with h = 1e-6 the truncation error is O(h²) ≈ 1e-12 and the
    /// rounding error ≈ 1e-16/h = 1e-10, so 1e-6 relative is a safe tolerance.
    public static func numeric(_ x: [Double], h: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
        var x = x
        var g = [Double](repeating: 0, count: x.count)
        for k in 0..<x.count {
            let saved = x[k]
            x[k] = saved + h
            let plus = f(x)
            x[k] = saved - h
            let minus = f(x)
            x[k] = saved
            g[k] = (plus - minus) / (2 * h)
        }
        return g
    }
}

/// Asserts |a_k − b_k| ≤ absolute + relative·max(|a_k|, |b_k|) for all k.
public func assertClose(_ a: [Double], _ b: [Double], relative: Double = 1e-6, absolute: Double = 1e-8,
                        _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    guard a.count == b.count else {
        XCTFail("\(what): \(a.count) values vs \(b.count)", file: file, line: line)
        return
    }
    var worst = 0.0, firstBad: Int?
    for k in 0..<a.count {
        let d = abs(a[k] - b[k])
        worst = max(worst, d)
        if d > absolute + relative * max(abs(a[k]), abs(b[k])) && firstBad == nil { firstBad = k }
    }
    if let k = firstBad {
        XCTFail("\(what): first mismatch at \(k): \(a[k]) vs \(b[k]); max |difference| \(worst)",
                file: file, line: line)
    }
}

public func assertClose(_ a: [Float], _ b: [Float], relative: Double = 1e-5, absolute: Double = 1e-6,
                        _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    assertClose(a.map(Double.init), b.map(Double.init), relative: relative, absolute: absolute, what,
                file: file, line: line)
}
