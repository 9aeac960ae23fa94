#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A long run's status on standard error. On a terminal: one line redrawn
/// in place, at most every 0.2 s, with a bar when the fraction done is
/// known. Not on a terminal (a log file): the caller prints plain lines
/// instead (`isTerminal` false, `draw` does nothing).
public struct StatusLine {
    public let isTerminal: Bool
    private var lastDraw = -Double.infinity
    private var drawn = false

    public init(isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.isTerminal = isTerminal
    }

    /// Redraws the line (`now`: seconds on any clock; `force`: even within
    /// 0.2 s of the last draw).
    public mutating func draw(_ text: String, now: Double, force: Bool = false) {
        guard isTerminal, force || now - lastDraw >= 0.2 else { return }
        lastDraw = now
        drawn = true
        StandardError.write("\r\u{1B}[K" + text)
    }

    /// Ends the line so that following messages start clean.
    public mutating func finishLine() {
        guard isTerminal, drawn else { return }
        StandardError.write("\n")
        drawn = false
        lastDraw = -Double.infinity
    }

    /// "[#####...............]  25%" for a fraction in [0, 1].
    public static func bar(_ fraction: Double, width: Int = 20) -> String {
        let f = min(max(fraction, 0), 1)
        let filled = Int((f * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            + String(format: "] %3.0f%%", f * 100)
    }

    /// "42s", "3m05s", "2h07m".
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
