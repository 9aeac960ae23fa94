import Foundation
import S2SCore

/// Redraws models/NAME/plots/*.svg from train.jsonl: train and valid loss,
/// valid BLEU and chrF, learning rate, teacher-forcing ratio.
public enum TrainingPlots {
    public static func write(logPath: String, to folder: String) throws {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return }
        var train: [[String: Any]] = [], valid: [[String: Any]] = []
        for line in text.split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            if o["kind"] as? String == "train" { train.append(o) } else if o["kind"] as? String == "valid" { valid.append(o) }
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
    }
}
