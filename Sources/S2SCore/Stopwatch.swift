import Foundation

/// Wall-clock timing for progress messages (not for benchmarks' ratios,
/// which measure both sides in one run).
public struct Stopwatch {
    private var last: UInt64

    private let start: UInt64

    public init() {
        last = DispatchTime.now().uptimeNanoseconds
        start = last
    }

    /// Seconds since the start.
    public var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Seconds since the previous lap (or since the start).
    public mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }

    /// "0.42 s", "12.3 s", "3 min 05 s".
    public static func format(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return String(format: "%d min %02d s", s / 60, s % 60)
    }
}
