import Foundation

/// The probability ε_i of feeding the gold previous token at update i
/// (scheduled sampling, Bengio et al. 2015): with ε = 1 plain teacher forcing,
/// with ε = 0 fully free-running training. The seeds' fix for the mismatch
/// between training on gold prefixes and decoding from the model's own.
public enum TeacherForcingSchedule: Codable, Equatable, Sendable {
    /// ε_i = k.
    case constant(Double)
    /// ε_i = max(ε_min, k − c·i).
    case linear(k: Double, slope: Double, minimum: Double)
    /// ε_i = k^i (k < 1).
    case exponential(k: Double)
    /// ε_i = k / (k + exp(i/k)) (k ≥ 1).
    case inverseSigmoid(k: Double)

    public func ratio(atStep i: Int) -> Double {
        let x = Double(i)
        switch self {
        case .constant(let k): return k
        case .linear(let k, let c, let m): return max(m, k - c * x)
        case .exponential(let k): return Foundation.pow(k, x)
        case .inverseSigmoid(let k): return k / (k + Foundation.exp(x / k))
        }
    }

    /// Parses the command-line form: `1.0`, `linear:K:SLOPE:MIN`,
    /// `exponential:K`, `inverse-sigmoid:K`; nil unless `isValid`.
    public init?(argument: String) {
        let parts = argument.split(separator: ":").map(String.init)
        let numbers = parts.dropFirst().compactMap(Double.init)
        guard numbers.count == parts.count - 1 else { return nil }
        let schedule: TeacherForcingSchedule
        switch (parts.first, numbers.count) {
        case (let p?, 0) where Double(p) != nil: schedule = .constant(Double(p)!)
        case ("constant", 1): schedule = .constant(numbers[0])
        case ("linear", 3): schedule = .linear(k: numbers[0], slope: numbers[1], minimum: numbers[2])
        case ("exponential", 1): schedule = .exponential(k: numbers[0])
        case ("inverse-sigmoid", 1): schedule = .inverseSigmoid(k: numbers[0])
        default: return nil
        }
        guard schedule.isValid else { return nil }
        self = schedule
    }

    /// Whether every ε_i is a probability: a constant in [0, 1]; linear
    /// with K and MIN in [0, 1] and a finite SLOPE ≥ 0; exponential with
    /// 0 < K ≤ 1; inverse-sigmoid with finite K ≥ 1.
    public var isValid: Bool {
        switch self {
        case .constant(let k): return (0...1).contains(k)
        case .linear(let k, let c, let m): return (0...1).contains(k) && c.isFinite && c >= 0 && (0...1).contains(m)
        case .exponential(let k): return k > 0 && k <= 1
        case .inverseSigmoid(let k): return k.isFinite && k >= 1
        }
    }

    /// What `isValid` asks, in the command line's words.
    public static let validForms = "a probability in [0, 1], linear:K:SLOPE:MIN (K and MIN in [0, 1], SLOPE ≥ 0), exponential:K (0 < K ≤ 1) or inverse-sigmoid:K (K ≥ 1)"

    public var description: String {
        switch self {
        case .constant(let k): return "\(k)"
        case .linear(let k, let c, let m): return "linear:\(k):\(c):\(m)"
        case .exponential(let k): return "exponential:\(k)"
        case .inverseSigmoid(let k): return "inverse-sigmoid:\(k)"
        }
    }
}
