import Foundation
import S2SCore

/// Redraws models/NAME/plots/*.svg from train.jsonl: train and valid loss,
/// valid BLEU and chrF, learning rate, teacher-forcing ratio.
public enum TrainingPlots {
    public static func write(logPath: String, to folder: String) throws {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return }
        var train: [[String: Any]] = [], valid: [[String: Any]] = [], flow: [[String: Any]] = []
        for line in text.split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            switch o["kind"] as? String {
            case "train": train.append(o)
            case "valid": valid.append(o)
            case "gradient_flow": flow.append(o)
            default: break
            }
        }
        func points(_ records: [[String: Any]], _ key: String) -> [(x: Double, y: Double)] {
            records.compactMap { r in
                guard let s = r["step"] as? Int, let v = r[key] as? Double else { return nil }
                return (Double(s), v)
            }
        }
        let plots: [(String, SVGPlot)] = [
            ("loss.svg", SVGPlot(title: "Loss per target token", xLabel: "step", yLabel: "cross-entropy (nats)", series: [
                .init(name: "train", color: "#1f77b4", points: points(train, "loss")),
                .init(name: "valid", color: "#d62728", points: points(valid, "loss")),
            ])),
            ("bleu.svg", SVGPlot(title: "Validation BLEU and chrF (greedy)", xLabel: "step", yLabel: "score", series: [
                .init(name: "BLEU", color: "#2ca02c", points: points(valid, "bleu")),
                .init(name: "chrF", color: "#9467bd", points: points(valid, "chrf")),
            ])),
            ("learning_rate.svg", SVGPlot(title: "Learning rate", xLabel: "step", yLabel: "learning rate", series: [
                .init(name: "lr", color: "#ff7f0e", points: points(train, "lr")),
            ])),
            ("teacher_forcing.svg", SVGPlot(title: "Teacher-forcing ratio", xLabel: "step", yLabel: "P(gold input)",
                                            series: [.init(name: "ratio", color: "#8c564b",
                                                           points: points(train, "teacher_forcing"))])),
        ]
        for (name, plot) in plots {
            try AtomicFile.write(text: plot.svg, to: folder + "/" + name)
        }
        if let plot = gradientFlowPlot(flow) { try AtomicFile.write(text: plot.svg, to: folder + "/gradient_flow.svg") }
    }

    /// One curve per validation (at most eight, evenly spread, the last
    /// included), light to dark: log10 ‖∂L/∂h_t‖ against source position t.
    /// Vanishing gradients show as curves that fall towards position 1.
    static func gradientFlowPlot(_ records: [[String: Any]]) -> SVGPlot? {
        let curves = records.compactMap { r -> (step: Int, norms: [Double])? in
            guard let s = r["step"] as? Int, let n = r["norms"] as? [Double] else { return nil }
            return (s, n)
        }
        guard !curves.isEmpty else { return nil }
        let shown = curves.count <= 8 ? Array(curves.indices)
            : Array(Set((0..<8).map { $0 * (curves.count - 1) / 7 })).sorted()
        let series = shown.enumerated().map { i, k -> SVGPlot.Series in
            let shade = shown.count == 1 ? 1.0 : Double(i) / Double(shown.count - 1)
            let color = String(format: "#%02x%02x%02x", Int(190 - 160 * shade), Int(210 - 150 * shade), 255 - Int(75 * shade))
            let points = curves[k].norms.enumerated().compactMap { t, v in v > 0 ? (x: Double(t + 1), y: log10(v)) : nil }
            return SVGPlot.Series(name: "step \(curves[k].step)", color: color, points: points)
        }
        return SVGPlot(title: "Gradient flow: ‖∂L/∂h_t‖ of the encoder's first layer", xLabel: "source position t",
                       yLabel: "log10 ‖∂L/∂h_t‖", series: series)
    }
}
