internal import S2SSearch
internal import S2STranslation

extension Translator {
    /// How a ``Translator`` searches: the defaults are `s2s-translate`'s,
    /// except ``precision``, `float32` here (the same translations on every
    /// CPU).
    public struct Options: Sendable, Hashable {
        /// Hypotheses kept at each step (1: greedy search).
        public var beamSize = 5
        /// Candidates returned per line, best first (at most ``beamSize``).
        public var nBest = 1
        /// The decoding products' precision.
        public var precision = Precision.float32
        /// Lines searched together at most.
        public var batchSize = 32
        /// GNMT length penalty α (0: none).
        public var lengthPenalty = 0.0
        /// GNMT coverage penalty β (0: none).
        public var coveragePenalty = 0.0
        /// The longest translation: this × the source's subwords + 10.
        public var maxLengthRatio = 2.0
        /// The shortest translation, in subwords.
        public var minLength = 0
        /// A line of more source subwords than this is cut at sentence ends
        /// (or into windows, for a longer sentence), translated piece by
        /// piece and joined. nil: the longest source the model was trained
        /// on (prep.json's `max_length`).
        public var maxSourceTokens: Int?
        /// Score only the `shortlist` target subwords most associated with
        /// each source subword (the model folder's shortlist.tsv) plus the
        /// ``shortlistFrequent`` most frequent ones (0: the whole vocabulary).
        public var shortlist = 0
        /// With ``shortlist``: the most frequent target subwords always scored.
        public var shortlistFrequent = 100
        /// Replace each `<unk>` by the source word it attends to most, or by
        /// that word's entry in ``unknownDictionary``.
        public var replaceUnknown = false
        /// Translations of source words for ``replaceUnknown``.
        public var unknownDictionary: [String: String] = [:]
        /// Sample one translation per line instead of searching.
        public var sampling: Sampling?
        /// Whether candidates carry their subwords and alignment
        /// (``Translation/Candidate/alignment``).
        public var alignments = false
        /// Whether candidates carry their subwords and attention weights
        /// (``Translation/Candidate/attention``).
        public var attention = false
        /// Threads for matrix work (nil: as the process has it, all cores
        /// unless set). The setting is the process's: the last translator
        /// to run sets it.
        public var threads: Int?
        /// The widest beam a ``Translator/Search`` may ask for (a server's
        /// per-request ceiling; nil: ``beamSize``): memory is checked for it
        /// at load.
        public var widestBeam: Int?

        /// `s2s-translate`'s defaults, in `float32`.
        public init() {}

        /// Sampling from the model's distribution (`s2s-translate --sample`).
        public struct Sampling: Sendable, Hashable {
            /// Divides the logits: below 1 sharper, above 1 flatter.
            public var temperature = 1.0
            /// Sample among the k most probable subwords (0: all).
            public var topK = 0
            /// The random generator's seed: the same seed, the same samples.
            public var seed: UInt64 = 1

            /// Temperature 1, all subwords, seed 1.
            public init() {}
        }

        /// These options as the translation engine takes them.
        var engine: S2STranslation.Translator.Options {
            var options = S2STranslation.Translator.Options()
            options.search.beamSize = beamSize
            options.search.nBest = nBest
            options.search.lengthPenalty = lengthPenalty
            options.search.coveragePenalty = coveragePenalty
            options.search.maxLengthRatio = maxLengthRatio
            options.search.minLength = minLength
            options.replaceUnknown = replaceUnknown
            options.unknownDictionary = unknownDictionary
            options.batchSize = batchSize
            options.threads = threads
            options.maxSourceTokens = maxSourceTokens
            options.shortlist = shortlist
            options.shortlistFrequent = shortlistFrequent
            options.precision = precision.decoding
            options.keepsSplitLineAlignment = alignments
            options.widestBeam = widestBeam
            if let sampling {
                var s = S2SSearch.Sampling.Options()
                s.temperature = sampling.temperature
                s.topK = sampling.topK
                s.seed = sampling.seed
                s.maxLengthRatio = maxLengthRatio
                options.sampling = s
            }
            return options
        }
    }
}
