import Foundation

/// An attention heatmap as SVG: target subwords down, source subwords
/// across, darker = more attention.
enum AttentionSVG {
    static func svg(source: [String], target: [String], weights: [[Float]]) -> String {
        let cell = 22.0, left = 12.0 + 7 * Double(target.map(\.count).max() ?? 1), top = 12.0 + 7 * Double(source.map(\.count).max() ?? 1)
        let width = left + cell * Double(source.count) + 10, height = top + cell * Double(target.count) + 10
        // Labels without the tokeniser's joiner mark (most fonts lack U+FFED).
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "\u{FFED}", with: "").replacingOccurrences(of: "&", with: "&amp;")
                .replacingOccurrences(of: "<", with: "&lt;")
        }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>

            """
        for (j, s) in source.enumerated() {
            let x = left + cell * Double(j) + cell / 2
            out += "<text transform=\"translate(\(x) \(top - 6)) rotate(-60)\">\(esc(s))</text>\n"
        }
        for (i, t) in target.enumerated() {
            let y = top + cell * Double(i)
            out += "<text x=\"\(left - 6)\" y=\"\(y + cell * 0.7)\" text-anchor=\"end\">\(esc(t))</text>\n"
            let row = i < weights.count ? weights[i] : []
            for j in 0..<source.count {
                let w = j < row.count ? Double(row[j]) : 0
                let shade = Int((1 - min(max(w, 0), 1)) * 255)
                out += "<rect x=\"\(left + cell * Double(j))\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" "
                    + "fill=\"rgb(\(shade),\(shade),\(shade))\" stroke=\"#ddd\"/>"
            }
            out += "\n"
        }
        return out + "</svg>\n"
    }
}
