import S2SCore

/// Decides, per sequence and decoder step, whether the decoder is fed the gold
/// previous token y_{t−1} (teacher forcing) or the model's own prediction
/// from step t−1 (free running). Scheduled sampling (Bengio et al. 2015)
/// mixes the two with a probability that decays over training. No gradient
/// flows through the choice.
public protocol InputChooser {
    /// true: feed gold y_{t−1} to row b at step t (t ≥ 1); false: the model's own token.
    mutating func feedsGold(step t: Int, row b: Int, rng: inout SplitMix64) -> Bool
    /// The model's own token: a sample from its softmax (true) or the argmax (false).
    var samplesOwnToken: Bool { get }
    /// Always gold: lets the model take the fast path (whole-sequence GEMMs).
    var alwaysGold: Bool { get }
}

/// Plain teacher forcing: always the gold token.
public struct TeacherForcing: InputChooser {
    public init() {}
    public func feedsGold(step t: Int, row b: Int, rng: inout SplitMix64) -> Bool { true }
    public var samplesOwnToken: Bool { false }
    public var alwaysGold: Bool { true }
}

/// Gold with probability ε, else the model's own token (argmax or sample).
public struct MixedFeeding: InputChooser {
    public var goldProbability: Double
    public var samplesOwnToken: Bool

    public init(goldProbability: Double, sample: Bool = false) {
        self.goldProbability = goldProbability
        self.samplesOwnToken = sample
    }

    public func feedsGold(step t: Int, row b: Int, rng: inout SplitMix64) -> Bool {
        if goldProbability >= 1 { return true }
        if goldProbability <= 0 { return false }
        return rng.nextDouble() < goldProbability
    }

    public var alwaysGold: Bool { goldProbability >= 1 }
}
