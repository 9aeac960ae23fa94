import S2SCore

extension SplitMix64 {
    /// `count` values uniform in [−scale, scale).
    public mutating func uniform(_ count: Int, scale: Double = 1) -> [Double] {
        (0..<count).map { _ in (nextDouble() * 2 - 1) * scale }
    }
}
