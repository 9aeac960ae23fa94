internal import Foundation
internal import S2SCore
internal import S2SText

extension Preparation {
    /// What a ``Preparation`` reads and writes, and how it segments: the
    /// defaults are `s2s-prep`'s.
    public struct Options: Sendable, Hashable {
        /// The prepared data set's name: one folder name of letters,
        /// digits, `-`, `_` and `.` (``isValidName(_:)``), recorded in prep.json.
        public var name: String
        /// The splits to read, `train` first (required); `valid` and `test`
        /// are optional.
        public var splits: [Split]
        /// Where the vocabularies, the BPE codes and prep.json go (`vocab/NAME`).
        public var vocabularyFolder: String
        /// Where the binary shards go (`data/NAME`).
        public var dataFolder: String
        /// Unicode normalisation before segmentation.
        public var normalization = Normalization.nfkc
        /// Joint BPE merges to learn on source and target (0: whole words only).
        public var bpeMerges = 8000
        /// Stop learning BPE when the best pair occurs fewer times than this.
        public var bpeMinFrequency = 2
        /// Learn BPE from this many training pairs drawn with ``seed`` (0:
        /// from all); every pair is still segmented and written.
        public var bpeSample = 0
        /// The seed of the ``bpeSample`` draw.
        public var seed: UInt64 = 1
        /// Drop training pairs whose two lines repeat an earlier pair's
        /// (counted in prep.json).
        public var dedupe = false
        /// Subwords seen fewer times than this become `<unk>`.
        public var minCount = 1
        /// The largest vocabulary, the four specials included (0: no limit).
        public var maxVocabularySize = 0
        /// One vocabulary for both sides (needed for tied embeddings).
        public var sharedVocabulary = false
        /// Drop training pairs longer than this many subwords on either
        /// side (0: no limit); the dropped pairs are counted in prep.json.
        public var maxLength = 250
        /// Also write each split's subword text (`SPLIT.bpe.src/.tgt`) into
        /// the data folder, e.g. to train another toolkit on the same input.
        public var writeText = false
        /// The languages' ISO 639-1 codes, recorded in prep.json (`s2s-serve`
        /// serves the model under them; nil: not recorded).
        public var sourceLanguage: String?
        /// The target language's ISO 639-1 code, recorded in prep.json (nil: not recorded).
        public var targetLanguage: String?
        /// Replace another data set found in the folders (without it, a run
        /// only replaces the same preparation: the same inputs and options).
        public var overwrite = false
        /// Worker threads for normalising, segmenting and applying BPE (nil:
        /// the cores); the outputs are the same for any number.
        public var threads: Int?

        /// Options for the named files, to be written to `vocabularyFolder`
        /// and `dataFolder`; the rest `s2s-prep`'s defaults.
        public init(name: String, splits: [Split], vocabularyFolder: String, dataFolder: String) {
            self.name = name
            self.splits = splits
            self.vocabularyFolder = vocabularyFolder
            self.dataFolder = dataFolder
        }

        /// Options for a corpus folder holding `train.src` and `train.tgt`
        /// and, optionally, `valid.*` and `test.*` (as `s2s-prep --corpus`
        /// reads it): the data set is `name`, or the folder's own name, and
        /// goes to `vocabularyDirectory/NAME` and `dataDirectory/NAME`.
        /// - Throws: ``S2SError/input(file:line:problem:hint:)`` naming a
        ///   split's missing half; ``S2SError/options(problem:hint:)`` when
        ///   the folder's name is no data set name and `name` is nil.
        public init(corpus: String, name: String? = nil,
                    vocabularyDirectory: String = "vocab", dataDirectory: String = "data") throws(S2SError) {
            let dir = corpus.hasSuffix("/") ? String(corpus.dropLast()) : corpus
            let setName = name ?? (Folder.resolved(dir, resolvingLinks: false) as NSString).lastPathComponent
            if !DataSetName.isValid(setName) {
                throw .options(problem: "--corpus \(corpus): its folder name '\(setName)' is not a data set name "
                               + "(\(DataSetName.rule)): give --name.", hint: "")
            }
            var splits: [Split] = []
            for split in ["train", "valid", "test"] {
                let src = "\(dir)/\(split).src", tgt = "\(dir)/\(split).tgt"
                let hasSrc = FileManager.default.fileExists(atPath: src)
                let hasTgt = FileManager.default.fileExists(atPath: tgt)
                if split == "train" || hasSrc || hasTgt {
                    if !hasSrc || !hasTgt {
                        throw .input(file: hasSrc ? tgt : src, line: nil, problem: "no such file",
                                     hint: "--corpus expects \(split).src and \(split).tgt side by side in \(dir)")
                    }
                    splits.append(Split(name: split, source: src, target: tgt))
                }
            }
            self.init(name: setName, splits: splits, vocabularyFolder: "\(vocabularyDirectory)/\(setName)",
                      dataFolder: "\(dataDirectory)/\(setName)")
        }

        /// Whether `name` can name a data set: one folder name of letters,
        /// digits, `-`, `_` and `.`, not starting with `.`.
        public static func isValidName(_ name: String) -> Bool { DataSetName.isValid(name) }

        /// What ``isValidName(_:)`` accepts, in words.
        public static var nameRule: String { DataSetName.rule }

        /// The engine's options.
        var engine: S2SText.Preparation.Options {
            var o = S2SText.Preparation.Options(name: name, splits: splits.map { ($0.name, $0.source, $0.target) },
                                                vocabFolder: vocabularyFolder, dataFolder: dataFolder)
            o.normalization = S2SText.Normalization(rawValue: normalization.rawValue)!
            o.bpeMerges = bpeMerges
            o.bpeMinFrequency = bpeMinFrequency
            o.bpeSample = bpeSample
            o.seed = seed
            o.dedupe = dedupe
            o.minCount = minCount
            o.maxVocabularySize = maxVocabularySize
            o.sharedVocabulary = sharedVocabulary
            o.maxLength = maxLength
            o.writeText = writeText
            o.sourceLanguage = sourceLanguage
            o.targetLanguage = targetLanguage
            o.overwrite = overwrite
            if let threads { o.threads = threads }
            return o
        }
    }

    /// One split of a parallel corpus: two UTF-8 text files, one sentence a
    /// line, aligned line by line.
    public struct Split: Sendable, Hashable {
        /// `train`, `valid` or `test`.
        public var name: String
        /// The source text's path.
        public var source: String
        /// The target text's path, line k the translation of the source's line k.
        public var target: String

        /// A split named `name` (`train`, `valid` or `test`).
        public init(name: String, source: String, target: String) {
            self.name = name
            self.source = source
            self.target = target
        }
    }

    /// The Unicode normalisation applied to every line before segmentation.
    public enum Normalization: String, CaseIterable, Sendable {
        /// Compatibility composition: full-width forms, ligatures and
        /// non-breaking spaces folded into their plain forms.
        case nfkc
        /// Canonical composition only.
        case nfc
        /// None (control characters are still removed and white space
        /// collapsed, so tokenisation stays reversible).
        case none
    }
}
