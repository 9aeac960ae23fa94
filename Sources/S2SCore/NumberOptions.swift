/// Checks of floating-point command-line options shared by the commands:
/// `nan` and `inf` parse as Doubles, and would otherwise pass every range
/// check written as a comparison (every comparison with NaN is false).
public enum NumberOptions {
    /// The message for the first bad option, or nil: `finite` options must be
    /// finite numbers, `positive` ones positive finite numbers. Options not
    /// given (nil) are skipped.
    public static func problem(finite: [(String, Double?)], positive: [(String, Double?)] = []) -> String? {
        for (name, value) in finite {
            if let value, !value.isFinite { return "\(name) must be a finite number, not \(text(value))." }
        }
        for (name, value) in positive {
            if let value, !(value.isFinite && value > 0) { return "\(name) must be a positive finite number, not \(text(value))." }
        }
        return nil
    }

    /// A value as a user wrote it: `-1` rather than Swift's `-1.0`.
    public static func text(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
