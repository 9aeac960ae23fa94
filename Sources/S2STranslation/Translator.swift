import Foundation
import S2SCore
import S2SKernels
import S2SModel
import S2SSearch
import S2SText

/// A trained model folder ready to translate text: the folder's own
/// normalisation, tokenisation and BPE on the way in, search, and the same
/// undone on the way out. Loading validates the folder: files present, the
/// configuration against the tensors, the vocabularies against the model.
public final class Translator {
    public struct Options: Sendable {
        public var search = BeamSearch.Options()
        /// Sample instead of searching (nil: beam search).
        public var sampling: Sampling.Options?
        /// Replace each `<unk>` by the source subword it attends to most, or
        /// by that word's entry in `unknownDictionary`.
        public var replaceUnknown = false
        public var unknownDictionary: [String: String] = [:]
        /// How the decoding products run (`Seq2Seq.packForDecoding`
        /// resolves it into the model's plan at load).
        public var precision: DecodingPrecision = .float32
        /// Cores each search (and the packing at load) splits its work over
        /// (nil: the caller's `KernelSettings`, every core unless bound).
        public var threads: Int?
        /// Sentences searched together at most.
        public var batchSize = 32
        /// A line of more source subwords than this is cut into pieces
        /// (`LineSplitter`) that are translated one by one and joined into
        /// one output line. nil: prep.json's `max_length`, the longest
        /// training pair the model saw (`defaultMaxSourceTokens` when that
        /// was unlimited).
        public var maxSourceTokens: Int?
        /// Whether a line translated in pieces keeps its subwords and
        /// alignment (memory that grows with the line; needed only to print
        /// alignments). Attention is never kept for such a line.
        public var keepsSplitLineAlignment = true
        /// A lexical shortlist (the folder's shortlist.tsv): each batch
        /// scores only the `shortlist` best targets of each of its source
        /// subwords plus the `shortlistFrequent` most frequent targets
        /// (0: the whole vocabulary).
        public var shortlist = 0
        public var shortlistFrequent = 100
        /// The widest beam a search of this translator may ask for (a
        /// server's per-request ceiling; nil: `search.beamSize`): memory is
        /// checked for it at load.
        public var widestBeam: Int?
        public init() {}
    }

    /// The bound on a piece when prep.json set none (`--max-len 0`).
    public static let defaultMaxSourceTokens = 250

    /// One translation of one line.
    public struct Translation: Sendable {
        public var text: String
        public var score: Double
        /// Source and target subwords (the source in its original order).
        public var sourceTokens: [String]
        public var targetTokens: [String]
        /// (source position, target position) pairs from the attention argmax,
        /// source positions in the original (un-reversed) order.
        public var alignment: [(source: Int, target: Int)]
        /// (target, source) attention weights, source in the original order.
        public var attention: [[Float]]
    }

    public let model: Seq2Seq<Float>
    /// More models whose log-probabilities are averaged with `model`'s
    /// (an ensemble); they share the vocabularies and BPE codes.
    public private(set) var ensemble: [Seq2Seq<Float>] = []
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary
    let tokenizer: Tokenizer.Session
    let bpe: BPE
    /// s2s-prep --bpe-merges 0 keeps whole words (no character split): the
    /// model's vocabulary holds words, so BPE must not run.
    let wholeWords: Bool
    let splitter: LineSplitter
    public var options: Options
    /// Told about a line that had to be cut mid-sentence: (index of the line
    /// in `translate`'s input, message).
    public var warn: (Int, String) -> Void = { _, _ in }
    /// Whether `warn` was told that --min-len is above a line's length
    /// limit (once a translator, so that a file of short lines gives one
    /// warning, not one a line).
    private var warnedMinLength = false

    /// - Parameter weights: the parameters file (default: the folder's model.safetensors).
    public init(modelFolder path: String, weights: String? = nil, options: Options = Options()) throws {
        let folder = ModelFolder(path: path)
        let weightsPath = weights ?? folder.bestPath
        let checkpoint = try Checkpoint.load(path: weightsPath)
        if weights != nil { try Self.checkSameRun(weights: checkpoint, folder: folder) }
        sourceVocabulary = try folder.sourceVocabulary()
        targetVocabulary = try folder.targetVocabulary()
        let config = checkpoint.config
        guard config.sourceVocabularySize == sourceVocabulary.count, config.targetVocabularySize == targetVocabulary.count else {
            throw InputError(file: weightsPath,
                             problem: "expects vocabularies of \(config.sourceVocabularySize)/\(config.targetVocabularySize) tokens, "
                                 + "but \(path)/src.vocab and tgt.vocab hold \(sourceVocabulary.count)/\(targetVocabulary.count)",
                             hint: weights == nil
                                 ? "The model folder mixes files of different runs; copy the vocabularies the model was trained with"
                                 : "Give --weights a checkpoint of this model's run (its checkpoints/, or s2s-average of them)")
        }
        let prep = try folder.prepManifest()
        // prep.json's max_length 0: no limit was set.
        let maxTokens = options.maxSourceTokens ?? (prep.maxLength > 0 ? prep.maxLength : Self.defaultMaxSourceTokens)
        guard maxTokens > 0, options.batchSize > 0 else {
            throw InputError(file: path, problem: "cannot translate with max source tokens \(maxTokens) and batch size \(options.batchSize)",
                             hint: "Give both as positive numbers")
        }
        // Refused before anything is packed or searched: a batch of full-length lines must fit.
        let beam = max(options.widestBeam ?? options.search.beamSize, options.search.beamSize, 1)
        let need = MemoryEstimate.searchBytes(config: config, batch: options.batchSize, beam: beam, sourceTokens: maxTokens,
                                              maxLengthRatio: options.search.maxLengthRatio,
                                              maxLengthExtra: options.search.maxLengthExtra)
        if let available = SystemMemory.availableBytes(), need > available {
            throw SearchMemoryError(need: need, available: available, batchSize: options.batchSize, beamSize: beam,
                                    sourceTokens: maxTokens, beamOption: options.widestBeam == nil ? "--beam-size" : "--max-beam-size")
        }
        if !options.precision.isAvailable {
            throw InputError(file: path, problem: "cannot be run in \(options.precision) on this CPU (it lacks \(options.precision.needs))",
                             hint: "Use float32 or auto precision")
        }
        let model = try Seq2Seq<Float>(config: config)
        try withExtendedLifetime(model.parameters) {
            try checkpoint.loadParameters(into: model.parameters.base, layout: model.layout)
        }
        // The parameters are final from here on; measured at the rows a step scores.
        KernelSettings(threads: options.threads).run {
            model.packForDecoding(options.precision, rows: Self.timedRows(batch: options.batchSize, beam: options.search.beamSize))
        }
        if options.shortlist > 0 {
            let shortlist = try folder.shortlist(source: sourceVocabulary, target: targetVocabulary)
            let k = options.shortlist, frequent = options.shortlistFrequent
            model.restrictOutput { shortlist.candidates(for: $0, k: k, frequent: frequent) }
        }
        self.model = model
        bpe = BPE(codes: try folder.bpeCodes())
        wholeWords = prep.bpe.mergesRequested == 0
        try folder.checkVocabularies(sourceVocabulary, targetVocabulary, against: prep)
        tokenizer = try Tokenizer.Session(Tokenizer(normalization: prep.normalization))
        splitter = try LineSplitter(maxTokens: maxTokens)
        self.options = options
    }

    /// The rows `--precision auto` times each decoding product at: a full
    /// step's (beam × batch), up to `maxTimedRows`, past which the paths'
    /// order no longer changes but the timing's buffers would grow with the
    /// option rather than with any input.
    static func timedRows(batch: Int, beam: Int) -> Int {
        let (rows, overflow) = max(1, beam).multipliedReportingOverflow(by: max(1, batch))
        return overflow ? maxTimedRows : min(rows, maxTimedRows)
    }

    static let maxTimedRows = 512

    /// A `--weights` file must be a checkpoint of the folder's own run: the
    /// same configuration as its model.safetensors, where that exists.
    static func checkSameRun(weights: Checkpoint, folder: ModelFolder) throws {
        let own = folder.bestPath
        guard FileManager.default.fileExists(atPath: own) else { return }
        try weights.check(config: try Checkpoint.load(path: own).config, reference: own,
                          hint: "Give --weights a checkpoint of this model's run (its checkpoints/, or s2s-average of them)")
    }

    /// The longest source the model was trained on, in subwords.
    public var maxSourceTokens: Int { splitter.maxTokens }

    /// Adds another trained model folder to the ensemble. Its vocabularies
    /// and BPE codes must be the same files as this folder's.
    public func addToEnsemble(modelFolder path: String) throws {
        let other = try Translator(modelFolder: path, options: options)
        guard other.sourceVocabulary == sourceVocabulary, other.targetVocabulary == targetVocabulary,
              other.bpe.codes == bpe.codes else {
            throw InputError(file: path, problem: "has other vocabularies or BPE codes than the first --model",
                             hint: "An ensemble needs models trained on the same s2s-prep output")
        }
        ensemble.append(other.model)
    }

    /// Source text → subword ids (unknown subwords become `<unk>`).
    public func encode(_ line: String) throws -> [Int32] {
        sourceVocabulary.ids(try segment(line))
    }

    /// Target ids → text.
    public func decode(_ ids: [Int32]) -> String {
        let tokens = ids.filter { $0 > SpecialTokens.eos }.map { targetVocabulary.token($0) }
        return Tokenizer.detokenize(BPE.join(tokens))
    }

    /// The n-best translations of each line (empty lines give one empty
    /// translation), in input order. A line longer than `maxSourceTokens`
    /// subwords is translated in pieces (`LineSplitter`) whose k-th best
    /// translations are joined into the line's k-th (without attention).
    /// The search runs on the calling thread with this translator's
    /// settings: `options.threads`, and the whole-sequence precision its
    /// decoding plan chose (`Seq2Seq.wholeSequencePrecision`).
    public func translate(_ lines: [String]) throws -> [[Translation]] {
        try KernelSettings(threads: options.threads, precision: model.wholeSequencePrecision).run {
            try translateLines(lines)
        }
    }

    private func translateLines(_ lines: [String]) throws -> [[Translation]] {
        var results = [[Translation]](repeating: [], count: lines.count)
        // One work item a piece: a whole line, or a piece of a long one.
        var work: [(line: Int, piece: Int, subwords: [String], ids: [Int32])] = []
        var pieceCounts = [Int](repeating: 1, count: lines.count)
        for (i, line) in lines.enumerated() {
            let subwords = try segment(line)
            if subwords.isEmpty {
                results[i] = [Translation(text: "", score: 0, sourceTokens: [], targetTokens: [], alignment: [], attention: [])]
            } else if subwords.count <= splitter.maxTokens {
                work.append((i, 0, subwords, sourceVocabulary.ids(subwords)))
            } else {
                let split = try splitter.pieces(of: line, segment: segment)
                if split.windowed {
                    warn(i, "a sentence of more than \(splitter.maxTokens) subwords was cut into windows of \(splitter.maxTokens) "
                         + "(--max-source-tokens; by default the longest source the model was trained on); "
                         + "end its sentences with punctuation for a better translation")
                }
                pieceCounts[i] = split.pieces.count
                for (k, piece) in split.pieces.enumerated() { work.append((i, k, piece, sourceVocabulary.ids(piece))) }
            }
        }
        // Similar lengths together: less padding in each batch.
        work.sort { $0.ids.count < $1.ids.count }
        warnIfMinLengthCannotBeMet(work.map { ($0.line, $0.ids.count) })
        // The pieces of long lines, their attention dropped as each batch
        // ends, so that memory does not grow with a line's length.
        var pieces: [Int: [[Translation]]] = [:]
        for start in stride(from: 0, to: work.count, by: options.batchSize) {
            let batch = work[start..<min(start + options.batchSize, work.count)]
            for (w, hyps) in zip(batch, search(batch.map(\.ids))) {
                let translations = hyps.map { translation($0, source: w.subwords) }
                if pieceCounts[w.line] == 1 {
                    results[w.line] = translations
                } else {
                    pieces[w.line, default: Array(repeating: [], count: pieceCounts[w.line])][w.piece] = translations.map {
                        var t = $0
                        t.attention = []
                        if !options.keepsSplitLineAlignment { t.sourceTokens = []; t.targetTokens = []; t.alignment = [] }
                        return t
                    }
                }
            }
        }
        for (line, parts) in pieces { results[line] = Self.joined(parts) }
        return results
    }

    /// Text → source subwords (the model folder's normalisation,
    /// tokenisation and BPE).
    func segment(_ text: String) throws -> [String] {
        let tokens = try tokenizer.tokenize(text)
        return wholeWords ? tokens : bpe.segment(tokens: tokens)
    }

    /// Beam search stops a translation at its length limit
    /// (`BeamSearch.Options.maxLength`), so a `minLength` above it is cut to
    /// the limit: said once, for the first line it happens to.
    func warnIfMinLengthCannotBeMet(_ sources: [(line: Int, length: Int)]) {
        let o = options.search
        guard options.sampling == nil, !warnedMinLength,
              let short = sources.first(where: { o.minLength > o.maxLength(sourceLength: $0.length) }) else { return }
        warnedMinLength = true
        warn(short.line, "--min-len \(o.minLength) is above the length limit of \(o.maxLength(sourceLength: short.length)) subwords for this line "
             + "(--max-len-ratio \(o.maxLengthRatio) × \(short.length) source subwords + \(o.maxLengthExtra)): "
             + "translations stop at their limit (said once)")
    }

    /// The n-best lists of each source, by the configured search.
    func search(_ sources: [[Int32]]) -> [[BeamSearch.Hypothesis]] {
        switch (options.sampling, ensemble.isEmpty) {
        case (let sampling?, true):
            return Sampling.decode(model, sources: sources, options: sampling).map { [$0] }
        case (let sampling?, false):
            return Sampling.decode(Ensemble([model] + ensemble), sources: sources, options: sampling).map { [$0] }
        case (nil, true):
            return Shards.map(sources, rowsPerSentence: options.search.beamSize) { BeamSearch.decode(model, sources: $0, options: options.search) }
        case (nil, false):
            let scorer = Ensemble([model] + ensemble)
            return Shards.map(sources, rowsPerSentence: options.search.beamSize) { BeamSearch.decode(scorer, sources: $0, options: options.search) }
        }
    }

    /// A long line's translation from its pieces' n-best lists: the k-th
    /// joins every piece's k-th best (its last where a list is shorter);
    /// scores add up, positions shift by the pieces before.
    static func joined(_ parts: [[Translation]]) -> [Translation] {
        let n = parts.map(\.count).max() ?? 0
        return (0..<n).map { k in
            var out = Translation(text: "", score: 0, sourceTokens: [], targetTokens: [], alignment: [], attention: [])
            var texts: [String] = []
            for part in parts {
                guard let t = part.isEmpty ? nil : part[min(k, part.count - 1)] else { continue }
                if !t.text.isEmpty { texts.append(t.text) }
                out.score += t.score
                let (s0, t0) = (out.sourceTokens.count, out.targetTokens.count)
                out.alignment += t.alignment.map { (source: $0.source + s0, target: $0.target + t0) }
                out.sourceTokens += t.sourceTokens
                out.targetTokens += t.targetTokens
            }
            out.text = texts.joined(separator: " ")
            return out
        }
    }

    /// Per target token, the encoded source positions (tokens only, not
    /// `<EOS>` at `sourceLength`) it attends to most: the argmax of its
    /// attention row, or in a pyramidal encoder (`coverage` source
    /// positions per memory position, whose weight the row shares equally
    /// among them) every position of the memory position with the most
    /// weight — argmax over the shared row would favour a last position
    /// that covers fewer.
    public static func alignedSpans(_ attention: [[Float]], coverage: Int, sourceLength n: Int) -> [[Int]] {
        attention.map { row in
            let spans = stride(from: 0, to: row.count, by: coverage).map { $0..<min($0 + coverage, row.count) }
            let weight = { (span: Range<Int>) in row[span].reduce(0, +) }
            guard let best = spans.max(by: { weight($0) < weight($1) }) else { return [] }
            return best.filter { $0 < n }
        }
    }

    /// Maps a hypothesis back to text and to the original source order
    /// (`source`: the line's source subwords as encoded, before reversal).
    public func translation(_ h: BeamSearch.Hypothesis, source: [String]) -> Translation {
        let n = source.count
        // Encoded position j (tokens, possibly reversed, then <EOS> at n).
        func original(_ j: Int) -> Int? {
            guard j < n else { return nil }
            return model.config.reverseSource ? n - 1 - j : j
        }
        let spans = Self.alignedSpans(h.attention, coverage: model.config.memoryCoverage, sourceLength: n)
        // <unk> stays visible ("<unk>") unless replaced; <pad>/<s>/<EOS> never appear.
        var target: [String] = []
        for (t, id) in h.tokens.enumerated() where id != SpecialTokens.pad && id != SpecialTokens.bos && id != SpecialTokens.eos {
            var token = targetVocabulary.token(id)
            if id == SpecialTokens.unk && options.replaceUnknown && t < spans.count, let j = spans[t].first.flatMap(original) {
                let word = source[j].hasSuffix(BPE.continuation) ? String(source[j].dropLast(2)) : source[j]
                token = options.unknownDictionary[word] ?? word
            }
            target.append(token)
        }
        var pairs: [(source: Int, target: Int)] = []
        for (t, span) in spans.enumerated() {
            for s in span.compactMap(original).sorted() { pairs.append((s, t)) }
        }
        let attention: [[Float]] = h.attention.map { row in
            (0..<n).map { i in row[model.config.reverseSource ? n - 1 - i : i] }
        }
        return Translation(text: Tokenizer.detokenize(BPE.join(target)), score: h.score, sourceTokens: source,
                           targetTokens: target, alignment: pairs, attention: attention)
    }
}
