import Foundation
import S2S
import S2SCore

/// s2s-prep's progress on standard error: on a terminal, a bar redrawn in
/// place with the pass, the split, the pairs done, pairs/s and the time
/// left; in a log, a plain line every 30 s of a long pass.
public struct PrepProgressPrinter {
    private var status = StatusLine()
    private var lastLine = 0.0
    static let logInterval = 30.0

    public init() {}

    static func text(_ p: Preparation.Progress) -> String {
        let rate = p.seconds > 0 ? Double(p.pairs) / p.seconds : 0
        var text = "\(p.pass.rawValue) \(p.split): \(p.pairs) pairs, \(Int(rate)) pairs/s"
        if let f = p.fraction, f > 0 {
            text = StatusLine.bar(f) + "  " + text
            if !p.finished { text += ", ETA " + StatusLine.duration(p.seconds / f - p.seconds) }
        }
        return text
    }

    public mutating func show(_ p: Preparation.Progress) {
        if status.isTerminal {
            status.draw(Self.text(p), now: p.seconds, force: p.finished)
            // The bar goes before the messages that follow the pass.
            if p.finished { status.finishLine() }
        } else if p.finished {
            lastLine = 0
        } else if p.seconds - lastLine >= Self.logInterval {
            lastLine = p.seconds
            StandardError.write("s2s-prep: " + Self.text(p) + "\n")
        }
    }
}
