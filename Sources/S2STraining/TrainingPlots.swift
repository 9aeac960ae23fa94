import Foundation
import S2SCore

/// Redraws models/NAME/plots/*.svg from train.jsonl: train and valid loss,
/// valid BLEU and chrF, learning rate, teacher-forcing ratio.
public enum TrainingPlots {
    public static func write(logPath: String, to folder: String) throws {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return }
        var train: [TrainingRecord.Report] = [], valid: [TrainingRecord.Validation] = []
        var flow: [TrainingRecord.GradientFlow] = []
        for (_, record) in TrainingRecord.records(inLog: text) {
            switch record {
            case .train(let r): train.append(r)
            case .valid(let v): valid.append(v)
            case .gradientFlow(let g): flow.append(g)
            }
        }
        func points<R>(_ records: [R], _ value: (R) -> Double?) -> [(x: Double, y: Double)] where R: SteppedRecord {
            records.compactMap { r in value(r).map { (Double(r.step), $0) } }
        }
        let plots: [(String, SVGPlot)] = [
            ("loss.svg", SVGPlot(title: "Loss per target token", xLabel: "step", yLabel: "cross-entropy (nats)", series: [
                .init(name: "train", color: "#1f77b4", points: points(train) { $0.loss }),
                .init(name: "valid", color: "#d62728", points: points(valid) { $0.loss }),
            ])),
            ("bleu.svg", SVGPlot(title: "Validation BLEU and chrF (greedy)", xLabel: "step", yLabel: "score", series: [
                .init(name: "BLEU", color: "#2ca02c", points: points(valid) { $0.bleu }),
                .init(name: "chrF", color: "#9467bd", points: points(valid) { $0.chrF }),
            ])),
            ("learning_rate.svg", SVGPlot(title: "Learning rate", xLabel: "step", yLabel: "learning rate", series: [
                .init(name: "lr", color: "#ff7f0e", points: points(train) { $0.learningRate }),
            ])),
            ("teacher_forcing.svg", SVGPlot(title: "Teacher-forcing ratio", xLabel: "step", yLabel: "P(gold input)",
                                            series: [.init(name: "ratio", color: "#8c564b",
                                                           points: points(train) { $0.teacherForcing })])),
        ]
        for (name, plot) in plots {
            try AtomicFile.write(text: plot.svg, to: folder + "/" + name)
        }
        if let plot = gradientFlowPlot(flow) { try AtomicFile.write(text: plot.svg, to: folder + "/gradient_flow.svg") }
    }

    /// One curve per validation (at most eight, evenly spread, the last
    /// included), light to dark: log10 ‖∂L/∂h_t‖ against source position t.
    /// Vanishing gradients show as curves that fall towards position 1.
    static func gradientFlowPlot(_ records: [TrainingRecord.GradientFlow]) -> SVGPlot? {
        let curves = records.map { (step: $0.step, norms: $0.norms) }
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

/// A train.jsonl record's step, the x of every plot.
protocol SteppedRecord { var step: Int { get } }
extension TrainingRecord.Report: SteppedRecord {}
extension TrainingRecord.Validation: SteppedRecord {}
