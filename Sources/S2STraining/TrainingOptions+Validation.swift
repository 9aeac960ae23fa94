import S2SCore
import S2SText

extension TrainingOptions {
    /// A value out of its range: the key as config.json spells it
    /// (`learning_rate`) and what is wrong with it ("must be a positive
    /// finite number, not -1"). The command line names the option instead
    /// (`--learning-rate`), a config file the file and `training.` + key:
    /// `message(naming:)` words other keys the message mentions either way.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let key: String
        /// The problem, other keys written as `{key}`.
        let template: String

        public init(key: String, _ template: String) {
            self.key = key
            self.template = template
        }

        /// The problem with every `{key}` named by `name` (an option, or a
        /// key in a file).
        public func message(naming name: (String) -> String) -> String {
            var text = template
            while let open = text.firstIndex(of: "{"), let close = text[open...].firstIndex(of: "}") {
                text.replaceSubrange(open...close, with: name(String(text[text.index(after: open)..<close])))
            }
            return text
        }

        public var description: String { "training.\(key) " + message { "training.\($0)" } }
    }

    /// Checks every value against its range; the first bad one is thrown.
    /// A run's options pass this whatever their source, so that the command
    /// line, a config file and a resumed run accept the same runs.
    public func validate() throws(Invalid) {
        func check(_ key: String, _ value: Double, _ ok: Bool, _ range: String) throws(Invalid) {
            if !ok { throw Invalid(key: key, "must be \(range), not \(NumberOptions.text(value))") }
        }
        func count(_ key: String, _ value: Int?, atLeast least: Int) throws(Invalid) {
            if let value, value < least { throw Invalid(key: key, "must be at least \(least), not \(value)") }
        }
        // NaN fails every comparison below: finiteness first, by name.
        for (key, value) in [("max_seconds", maxSeconds), ("max_wall_seconds", maxWallSeconds ?? 0),
                             ("decay_factor", decayFactor), ("clip", clip)] {
            try check(key, value, value.isFinite, "a finite number")
        }
        try check("max_seconds", maxSeconds, maxSeconds >= 0, "0 (no limit) or a positive number of seconds")
        try check("max_wall_seconds", maxWallSeconds ?? 0, (maxWallSeconds ?? 0) >= 0, "0 (no limit) or a positive number of seconds")
        try check("learning_rate", learningRate, learningRate.isFinite && learningRate > 0, "a positive finite number")
        try check("decay_factor", decayFactor, decayFactor > 0 && decayFactor <= 1, "in (0, 1]")
        try check("clip", clip, clip >= 0, "0 (off) or positive")
        for (key, value, least) in [("max_steps", maxSteps, 0), ("max_epochs", maxEpochs, 0), ("batch_tokens", batchTokens, 0),
                                    ("batch_size", batchSize, 1), ("pass_tokens", passTokens, 0), ("shares", shares, 1),
                                    ("accumulate", accumulate, 1), ("warmup_steps", warmupSteps, 0),
                                    ("decay_patience", decayPatience, 0), ("early_stop_patience", earlyStopPatience, 0),
                                    ("report_every", reportEvery, 0), ("valid_every", validEvery, 0),
                                    ("save_every", saveEvery, 0), ("keep_checkpoints", keepCheckpoints, 1),
                                    ("bleu_sentences", bleuSentences, 0), ("max_non_finite", maxNonFinite, 1)] {
            try count(key, value, atLeast: least)
        }
        if batchTokens == 0, let shares, shares > batchSize {
            throw Invalid(key: "shares", "must be at most {batch_size} (\(batchSize)) with {batch_tokens} 0, so that every share of a batch has a sentence, not \(shares)")
        }
        if !teacherForcing.isValid {
            throw Invalid(key: "teacher_forcing", "must be \(TeacherForcingSchedule.validForms), not \(teacherForcing.description)")
        }
        if bestMetric != .loss && bleuSentences == 0 {
            throw Invalid(key: "best_metric", "\(bestMetric.rawValue) needs greedy translations of the validation set: set {bleu_sentences} above 0")
        }
    }

    /// `validate()`, and what the training data decides: every share of a
    /// full batch must get a sentence (`Batcher.fewestSentences`).
    public func validate(for train: TokenShard, reverseSource: Bool = false) throws(Invalid) {
        try validate()
        guard let shares, batchTokens > 0 else { return }
        let batcher = Batcher(shard: train, maxTokens: batchTokens, sentences: batchSize, seed: seed, reverseSource: reverseSource)
        let fewest = batcher.fewestSentences
        if shares > fewest {
            let longest = batcher.longestPair
            throw Invalid(key: "shares", "must be at most \(fewest), the sentences a batch of {batch_tokens} \(batchTokens) holds when its sentences are as long as the longest (\(longest.source) source and \(longest.target) target tokens), so that every share of a batch has a sentence, not \(shares)")
        }
    }
}
