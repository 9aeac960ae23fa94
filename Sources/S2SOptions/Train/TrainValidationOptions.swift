import ArgumentParser
import S2S

/// s2s-train's validation: how often, with how many sentences translated
/// for BLEU and chrF, what counts as better, and the gradient-flow record.
public struct TrainValidationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Updates between validations (0: only at the end; default: 500).") public var validEvery: Int?
    @Option(parsing: .unconditional, help: "Validation sentences translated greedily for BLEU and chrF (0: none; default: 200).") public var bleuSentences: Int?
    @Option(help: "What improvement means (best model, plateau decay, early stop): loss (default), bleu or chrf.")
    public var bestMetric: String?
    @Flag(help: "At each validation, record the norm of the loss's gradient with respect to the encoder's first-layer state at every source position (a fixed batch: the 32 longest validation sentences) in train.jsonl, and draw plots/gradient_flow.svg.")
    public var gradientFlow = false

    public init() {}

    public func validate() throws {
        if let bestMetric, Training.Metric(rawValue: bestMetric) == nil {
            throw ValidationError("--best-metric must be loss, bleu or chrf, not '\(bestMetric)'.")
        }
    }

    public func apply(to o: inout Training.Options) {
        o.validEvery = validEvery
        o.bleuSentences = bleuSentences
        o.bestMetric = bestMetric.flatMap(Training.Metric.init(rawValue:))
        o.gradientFlow = gradientFlow
    }
}
