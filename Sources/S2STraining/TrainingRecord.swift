import Foundation
import S2SCore

/// One line of `train.jsonl`, told apart by its `kind`: a `train` report
/// every --report-every updates, a `valid` record at each validation, and
/// with --gradient-flow a `gradient_flow` record beside it. The keys are
/// the ones tools/trainlog.py reads (`ppl`, `lr`, `tokens_per_s`, ...):
/// the same file reads the same in Swift and in the scripts.
public enum TrainingRecord: Codable, Equatable, Sendable {
    case train(Report)
    case valid(Validation)
    case gradientFlow(GradientFlow)

    /// The updates since the last report: the fields of the library's
    /// `Training.Report` (documented there), under train.jsonl's keys.
    public struct Report: Codable, Equatable, Sendable {
        public var step: Int, epoch: Int
        public var loss: Double, perplexity: Double
        public var tokensPerSecond: Double, learningRate: Double, teacherForcing: Double
        public var gradientNorm: Double, elapsedSeconds: Double

        public init(step: Int, epoch: Int, loss: Double, perplexity: Double, tokensPerSecond: Double, learningRate: Double,
                    teacherForcing: Double, gradientNorm: Double, elapsedSeconds: Double) {
            self.step = step; self.epoch = epoch; self.loss = loss; self.perplexity = perplexity
            self.tokensPerSecond = tokensPerSecond; self.learningRate = learningRate; self.teacherForcing = teacherForcing
            self.gradientNorm = gradientNorm; self.elapsedSeconds = elapsedSeconds
        }

        // Spelled so that StableJSON's snake_case gives train.jsonl's keys.
        enum CodingKeys: String, CodingKey {
            case step, epoch, loss, teacherForcing
            case perplexity = "ppl", tokensPerSecond = "tokensPerS", learningRate = "lr", gradientNorm = "gradNorm"
            case elapsedSeconds = "elapsedS"
        }
    }

    /// A validation: the fields of the library's `Training.Validation`;
    /// `bleu` and `chrf` absent (not written) with --bleu-sentences 0.
    public struct Validation: Codable, Equatable, Sendable {
        public var step: Int
        public var loss: Double, perplexity: Double, accuracy: Double
        public var bleu: Double?, chrF: Double?

        public init(step: Int, loss: Double, perplexity: Double, accuracy: Double, bleu: Double? = nil, chrF: Double? = nil) {
            self.step = step; self.loss = loss; self.perplexity = perplexity; self.accuracy = accuracy
            self.bleu = bleu; self.chrF = chrF
        }

        enum CodingKeys: String, CodingKey {
            case step, loss, accuracy, bleu
            case perplexity = "ppl", chrF = "chrf"
        }
    }

    /// ‖∂L/∂h_t‖ of the encoder's first layer at each source position t
    /// (from 1), on a fixed validation batch (plots/gradient_flow.svg).
    public struct GradientFlow: Codable, Equatable, Sendable {
        public var step: Int
        public var norms: [Double]

        public init(step: Int, norms: [Double]) { self.step = step; self.norms = norms }
    }

    /// The record's `kind` in the file.
    public var kind: String {
        switch self {
        case .train: "train"
        case .valid: "valid"
        case .gradientFlow: "gradient_flow"
        }
    }

    /// The updates done when the record was written.
    public var step: Int {
        switch self {
        case .train(let r): r.step
        case .valid(let v): v.step
        case .gradientFlow(let g): g.step
        }
    }

    private enum KindKey: String, CodingKey { case kind }

    /// One flat object: `kind` beside the record's own fields.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: KindKey.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "train": self = .train(try Report(from: decoder))
        case "valid": self = .valid(try Validation(from: decoder))
        case "gradient_flow": self = .gradientFlow(try GradientFlow(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container,
                                                   debugDescription: "\(other) is not a kind of train.jsonl record")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .train(let r): try r.encode(to: encoder)
        case .valid(let v): try v.encode(to: encoder)
        case .gradientFlow(let g): try g.encode(to: encoder)
        }
    }
}

extension TrainingRecord {
    /// The records of a train.jsonl text, in order; lines that are not a
    /// record (blank, cut short by a kill) are skipped.
    public static func records(inLog text: String) -> [(line: Substring, record: TrainingRecord)] {
        let decoder = StableJSON.decoder()
        return text.split(separator: "\n").compactMap { line in
            (try? decoder.decode(TrainingRecord.self, from: Data(line.utf8))).map { (line, $0) }
        }
    }
}
