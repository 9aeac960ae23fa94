extension Translator {
    /// What one call of ``Translator/translate(_:search:warning:)`` may
    /// search with other than the translator's options: a server's
    /// per-request beam, n-best and penalties. Everything else (precision,
    /// shortlist, line pieces, batches) is the translator's, fixed at load.
    public struct Search: Sendable, Hashable {
        /// Hypotheses kept at each step: at most the translator's
        /// ``Options-swift.struct/beamSize``, or the widest beam it was
        /// loaded for (memory is checked for that beam at load).
        public var beamSize: Int
        /// Candidates returned per line, best first (at most ``beamSize``).
        public var nBest: Int
        /// GNMT length penalty α (0: none).
        public var lengthPenalty: Double
        /// GNMT coverage penalty β (0: none).
        public var coveragePenalty: Double

        /// A search of `beamSize` hypotheses giving `nBest` candidates.
        public init(beamSize: Int, nBest: Int, lengthPenalty: Double = 0, coveragePenalty: Double = 0) {
            self.beamSize = beamSize
            self.nBest = nBest
            self.lengthPenalty = lengthPenalty
            self.coveragePenalty = coveragePenalty
        }
    }

    /// The search the translator's own options describe.
    public var search: Search {
        Search(beamSize: options.beamSize, nBest: options.nBest, lengthPenalty: options.lengthPenalty,
               coveragePenalty: options.coveragePenalty)
    }

    /// Refuses a search this translator was not loaded for.
    func check(_ search: Search) throws(S2SError) {
        let widest = max(options.widestBeam ?? options.beamSize, options.beamSize)
        guard search.beamSize >= 1, search.beamSize <= widest else {
            throw .options(problem: "beam size \(search.beamSize): this translator searches beams of 1 to \(widest)",
                           hint: "Load it for a wider beam")
        }
        guard search.nBest >= 1, search.nBest <= search.beamSize else {
            throw .options(problem: "n-best \(search.nBest): it must be between 1 and the beam size (\(search.beamSize))", hint: "")
        }
        guard search.lengthPenalty.isFinite, search.coveragePenalty.isFinite else {
            throw .options(problem: "penalties \(search.lengthPenalty) and \(search.coveragePenalty): they must be finite", hint: "")
        }
    }
}
