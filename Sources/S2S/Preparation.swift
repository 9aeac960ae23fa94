internal import Foundation
internal import S2SCore
internal import S2SText

/// A parallel corpus turned into what `s2s-train` reads: normalised (NFKC),
/// split into words, numbers and punctuation by ICU's word break rules
/// (reversibly), segmented by joint byte-pair encoding learned on the
/// training text, and written as vocabularies and binary shards.
///
/// ```swift
/// let options = try Preparation.Options(corpus: "corpora/bible-en-es")
/// let prepared = try Preparation(options: options).run()
/// print(prepared.pairs["train"]!, prepared.dataFolder)  // 29000 data/bible-en-es
/// ```
///
/// A run writes `VOCAB/NAME/` (prep.json, bpe.codes, src.vocab, tgt.vocab,
/// shortlist.tsv) and `DATA/NAME/` (train.s2sb, valid.s2sb, test.s2sb). The
/// same inputs and options always give byte-identical outputs; nothing is
/// replaced unless every output was written, and another data set only with
/// ``Options-swift.struct/overwrite``. Memory follows the distinct words,
/// not the pairs: three streaming passes, each on every core.
public struct Preparation: Sendable {
    /// What this preparation reads and writes.
    public let options: Options

    /// A preparation with these options (nothing is read before ``run(events:)``).
    public init(options: Options) {
        self.options = options
    }

    /// What a preparation wrote.
    public struct Result: Sendable, Hashable {
        /// The folder of prep.json, bpe.codes and the vocabularies.
        public var vocabularyFolder: String
        /// The folder of the shards.
        public var dataFolder: String
        /// The pairs written to each split's shard (after dropping empty,
        /// over-long and, with dedupe, repeated pairs).
        public var pairs: [String: Int]
        /// The pairs dropped from each split, by reason (`empty`,
        /// `too_long`, `duplicate`).
        public var dropped: [String: [String: Int]]
        /// Tokens in the source and target vocabularies, specials included.
        public var sourceVocabularySize: Int
        /// Tokens in the target vocabulary, specials included.
        public var targetVocabularySize: Int
        /// The BPE merges learned (at most the options' ``Options-swift.struct/bpeMerges``).
        public var bpeMerges: Int
    }

    /// Reads, segments and writes, telling `events` where it is (on the
    /// calling thread, after every batch of pairs and at every step).
    ///
    /// The output folders are this run's alone while it runs: a second
    /// preparation into them stops at once with an error. A run that fails
    /// takes away the folders it made and leaves the others as they were.
    /// - Throws: ``S2SError/input(file:line:problem:hint:)`` naming the
    ///   file and line of bad input (not UTF-8, line counts that differ, no
    ///   usable pair), or another data set in the folders;
    ///   ``S2SError/file(path:problem:hint:errno:)`` when a write fails.
    @discardableResult
    public func run(events: (Event) -> Void = { _ in }) throws(S2SError) -> Result {
        let options = options
        let manifest = try S2SError.converting { () throws -> PrepManifest in
            // Called on this thread only (the engine's closures are not
            // escaping beyond its run): `events` stays with the caller.
            try withoutActuallyEscaping(events) { events in
                var preparation = S2SText.Preparation(options: options.engine)
                preparation.log = { events(.message($0)) }
                preparation.progress = { events(.progress(Progress($0))) }
                // Two runs writing one vocabulary folder would leave it
                // mixed. One folder given twice (vocab X, data ./X) is
                // locked once.
                var locks: [FolderLock] = []
                var succeeded = false
                defer { for lock in locks.reversed() { lock.release(removingIfCreated: !succeeded) } }
                var locked = Set<String>()
                for folder in [options.vocabularyFolder, options.dataFolder] where locked.insert(Folder.resolved(folder)).inserted {
                    locks.append(try FolderLock(folder: folder))
                }
                let manifest = try preparation.run()
                succeeded = true
                return manifest
            }
        }
        return Result(vocabularyFolder: options.vocabularyFolder, dataFolder: options.dataFolder,
                      pairs: manifest.splits.mapValues(\.pairs), dropped: manifest.splits.mapValues(\.dropped),
                      sourceVocabularySize: manifest.sourceVocabulary.size,
                      targetVocabularySize: manifest.targetVocabulary.size,
                      bpeMerges: manifest.bpe.mergesLearned)
    }
}
