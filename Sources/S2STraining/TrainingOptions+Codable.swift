import S2SCore

extension TrainingOptions {
    enum CodingKeys: String, CodingKey {
        case seed, maxSteps, maxSeconds, maxWallSeconds, maxEpochs, batchTokens, batchSize, passTokens, shares, accumulate,
             optimizer, learningRate, warmupSteps, decayFactor, decayPatience, earlyStopPatience, bestMetric, clip,
             teacherForcing, sampleOwnToken, reportEvery, validEvery, saveEvery, keepCheckpoints, bleuSentences,
             gradientFlow, precision, maxNonFinite
    }

    /// The keys of the first version are required (a missing one is named);
    /// the optional ones were added since, so older config.json files still
    /// load. A value of the wrong kind is named with its key and the kind
    /// that belongs there (`KeyedDecodingContainer.value`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seed = try c.value(UInt64.self, .seed)
        maxSteps = try c.value(Int.self, .maxSteps)
        maxSeconds = try c.value(Double.self, .maxSeconds)
        maxWallSeconds = try c.valueIfPresent(Double.self, .maxWallSeconds)
        maxEpochs = try c.value(Int.self, .maxEpochs)
        batchTokens = try c.value(Int.self, .batchTokens)
        batchSize = try c.value(Int.self, .batchSize)
        passTokens = try c.valueIfPresent(Int.self, .passTokens)
        shares = try c.valueIfPresent(Int.self, .shares)
        accumulate = try c.valueIfPresent(Int.self, .accumulate)
        optimizer = try c.value(Optimizer.self, .optimizer)
        learningRate = try c.value(Double.self, .learningRate)
        warmupSteps = try c.value(Int.self, .warmupSteps)
        decayFactor = try c.value(Double.self, .decayFactor)
        decayPatience = try c.value(Int.self, .decayPatience)
        earlyStopPatience = try c.value(Int.self, .earlyStopPatience)
        bestMetric = try c.value(Metric.self, .bestMetric)
        clip = try c.value(Double.self, .clip)
        teacherForcing = try c.value(TeacherForcingSchedule.self, .teacherForcing)
        sampleOwnToken = try c.value(Bool.self, .sampleOwnToken)
        reportEvery = try c.value(Int.self, .reportEvery)
        validEvery = try c.value(Int.self, .validEvery)
        saveEvery = try c.value(Int.self, .saveEvery)
        keepCheckpoints = try c.value(Int.self, .keepCheckpoints)
        bleuSentences = try c.value(Int.self, .bleuSentences)
        gradientFlow = try c.valueIfPresent(Bool.self, .gradientFlow)
        precision = try c.valueIfPresent(Precision.self, .precision)
        maxNonFinite = try c.value(Int.self, .maxNonFinite)
    }
}
