import Foundation
import S2SCore

/// `prep.json`: what `s2s-prep` did, so that later stages (and people) can
/// check which text, options and vocabularies a data folder came from. It
/// holds no time stamps: the same inputs give a byte-identical file.
public struct PrepManifest: Codable, Equatable, Sendable {
    public static let currentFormat = 1

    public struct BPEInfo: Codable, Equatable, Sendable {
        public var mergesRequested: Int
        public var mergesLearned: Int
        public var minFrequency: Int
        public var codesFile: String
        /// --bpe-sample: the merges were learned from this many training
        /// pairs, drawn with `sampleSeed` (absent: from all of them).
        public var sample: Int?
        public var sampleSeed: UInt64?
    }

    public struct VocabularyInfo: Codable, Equatable, Sendable {
        public var file: String
        public var size: Int
        /// `Vocabulary.hash` in hex, as recorded in every shard.
        public var hash: String
    }

    public struct SplitInfo: Codable, Equatable, Sendable {
        public var sourceFile: String
        public var targetFile: String
        public var shard: String
        public var lines: Int
        public var pairs: Int
        /// Pairs left out, by reason ("empty", "too_long", and with --dedupe
        /// "duplicate"); never silent.
        public var dropped: [String: Int]
        public var sourceTokens: Int
        public var targetTokens: Int
        /// Subword tokens mapped to `<unk>` (absent from the vocabulary).
        public var sourceUnknown: Int
        public var targetUnknown: Int
        /// Subwords per kept pair on each side, and the share of them that
        /// became `<unk>` (to 2 and 6 decimals): how BPE and the vocabulary fit
        /// the script (absent in prep.json files written before them).
        public var sourceSubwordsPerSentence: Double?
        public var targetSubwordsPerSentence: Double?
        public var sourceUnknownRate: Double?
        public var targetUnknownRate: Double?
    }

    public var format: Int = currentFormat
    public var name: String
    public var normalization: Normalization
    public var tokenizer: String
    public var bpe: BPEInfo
    /// --dedupe: training pairs repeating an earlier pair were dropped
    /// (counted in the train split's `dropped["duplicate"]`); absent: kept.
    public var dedupe: Bool?
    public var sharedVocabulary: Bool
    public var minCount: Int
    public var maxVocabularySize: Int
    /// Training pairs longer than this many subword tokens on either side are
    /// dropped (0: no limit). Validation and test pairs are kept whole.
    public var maxLength: Int
    public var sourceVocabulary: VocabularyInfo
    public var targetVocabulary: VocabularyInfo
    public var dataFolder: String
    public var splits: [String: SplitInfo]
    /// The languages' ISO 639-1 codes (s2s-prep --source-lang/--target-lang;
    /// s2s-serve serves the model under them). Absent when not given.
    public var sourceLanguage: String?
    public var targetLanguage: String?
}

extension PrepManifest {
    /// Reads a prep.json as s2s-prep writes it (StableJSON: snake_case keys).
    public init(json: Data) throws {
        self = try StableJSON.decoder().decode(PrepManifest.self, from: json)
    }
}
