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
    /// `exponential:K`, `inverse-sigmoid:K`.
    public init?(argument: String) {
        let parts = argument.split(separator: ":").map(String.init)
        let numbers = parts.dropFirst().compactMap(Double.init)
        guard numbers.count == parts.count - 1 else { return nil }
        switch (parts.first, numbers.count) {
        case (let p?, 0) where Double(p) != nil:
            let k = Double(p)!
            guard (0...1).contains(k) else { return nil }
            self = .constant(k)
        case ("constant", 1) where (0...1).contains(numbers[0]): self = .constant(numbers[0])
        case ("linear", 3): self = .linear(k: numbers[0], slope: numbers[1], minimum: numbers[2])
        case ("exponential", 1) where numbers[0] > 0 && numbers[0] <= 1: self = .exponential(k: numbers[0])
        case ("inverse-sigmoid", 1) where numbers[0] >= 1: self = .inverseSigmoid(k: numbers[0])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .constant(let k): return "\(k)"
        case .linear(let k, let c, let m): return "linear:\(k):\(c):\(m)"
        case .exponential(let k): return "exponential:\(k)"
        case .inverseSigmoid(let k): return "inverse-sigmoid:\(k)"
        }
    }
}
