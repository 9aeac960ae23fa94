#if canImport(Glibc)
import Glibc
#endif
import Foundation
import S2SCore

/// On a terminal, one status line on stderr redrawn in place (at most every
/// 0.2 s): step, epoch, loss, perplexity, tokens/s, teacher-forcing ratio,
/// and a bar with the ETA to --max-steps or --max-time. Not on a terminal:
/// nothing here (the trainer prints plain report lines instead).
public struct ProgressBar {
    private var status: StatusLine
    public var enabled: Bool { status.isTerminal }

    public init(enabled: Bool = isatty(STDERR_FILENO) == 1) {
        status = StatusLine(isTerminal: enabled)
    }

    public struct Status {
        public var step: Int
        public var epoch: Int
        public var loss: Double
        public var tokensPerSecond: Double
        public var teacherForcing: Double
        public var elapsed: Double
        public var maxSteps: Int
        public var maxSeconds: Double

        public init(step: Int, epoch: Int, loss: Double, tokensPerSecond: Double, teacherForcing: Double,
                    elapsed: Double, maxSteps: Int, maxSeconds: Double) {
            self.step = step; self.epoch = epoch; self.loss = loss; self.tokensPerSecond = tokensPerSecond
            self.teacherForcing = teacherForcing; self.elapsed = elapsed; self.maxSteps = maxSteps
            self.maxSeconds = maxSeconds
        }
    }

    /// The fraction done and the seconds left, from whichever limit is nearer.
    public static func eta(_ s: Status) -> (fraction: Double, seconds: Double)? {
        var best: (Double, Double)?
        if s.maxSteps > 0 && s.step > 0 {
            let f = Double(s.step) / Double(s.maxSteps)
            best = (f, s.elapsed / f - s.elapsed)
        }
        if s.maxSeconds > 0 {
            let f = s.elapsed / s.maxSeconds
            if best == nil || f > best!.0 { best = (f, s.maxSeconds - s.elapsed) }
        }
        return best.map { (min(max($0.0, 0), 1), max($0.1, 0)) }
    }

    public static func line(_ s: Status, width: Int = 20) -> String {
        var text = String(format: "step %d  epoch %d  loss %.3f  ppl %.1f  %.0f tok/s  tf %.2f",
                          s.step, s.epoch, s.loss, Foundation.exp(min(s.loss, 50)), s.tokensPerSecond, s.teacherForcing)
        if let (fraction, left) = eta(s) {
            text = StatusLine.bar(fraction, width: width) + "  " + text + "  ETA " + StatusLine.duration(left)
        }
        return text
    }

    public mutating func update(_ s: Status, force: Bool = false) {
        guard enabled else { return }
        status.draw(Self.line(s), now: s.elapsed, force: force)
    }

    /// Ends the status line so that following messages start clean.
    public mutating func finishLine() { status.finishLine() }
}
