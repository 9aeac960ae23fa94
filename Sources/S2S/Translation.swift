/// One line's translation: the best candidate first, then the rest of the
/// n-best list (``Translator/Options-swift.struct/nBest``).
public struct Translation: Sendable, Hashable {
    /// The candidates, best first: at least one (an empty line's is empty text).
    public var candidates: [Candidate]

    /// The best candidate's text.
    public var text: String { candidates[0].text }
    /// The best candidate's score.
    public var score: Double { candidates[0].score }

    /// One translation of a line, with how it was found.
    public struct Candidate: Sendable, Hashable {
        /// The translation, detokenised.
        public var text: String
        /// Its log-probability under the model, length-normalised when a
        /// length penalty is set.
        public var score: Double
        /// The source's subwords (in the line's order) and the translation's,
        /// when ``Translator/Options-swift.struct/alignments`` or
        /// ``Translator/Options-swift.struct/attention`` asked for them; else empty.
        public var sourceTokens: [String]
        /// The translation's subwords (see ``sourceTokens``).
        public var targetTokens: [String]
        /// Which source subword each target subword attends to most, when
        /// ``Translator/Options-swift.struct/alignments`` is on; else empty.
        public var alignment: [AlignedPair]
        /// The attention weights, one row per target subword over the source
        /// subwords (in the line's order), when
        /// ``Translator/Options-swift.struct/attention`` is on; else empty.
        /// Never kept for a line translated in pieces.
        public var attention: [[Float]]
    }

    /// A source and a target subword position (0-based, into
    /// ``Candidate/sourceTokens`` and ``Candidate/targetTokens``) that the
    /// attention aligns; printed by `s2s-translate --print-alignment` as `S-T`.
    public struct AlignedPair: Sendable, Hashable {
        /// The source subword's position.
        public var source: Int
        /// The target subword's position.
        public var target: Int
    }
}
