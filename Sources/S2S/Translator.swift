internal import Foundation
internal import S2SCore
internal import S2STranslation
import Synchronization

/// A trained model folder (written by `s2s-train`) that translates text:
/// the folder's own normalisation, tokenisation and BPE on the way in, beam
/// search (or sampling), and the same undone on the way out.
///
/// ```swift
/// let translator = try Translator(modelFolder: "models/bible")
/// print(try translator.translate("In the beginning God created the heavens and the earth.").text)
/// ```
///
/// Loading validates the folder (files present, the configuration against
/// the tensors, the vocabularies against the model) and packs the weights
/// for decoding once. A translator is `Sendable`: tasks may share one. Its
/// searches run one at a time, on the calling thread, each spread over
/// ``Options-swift.struct/threads`` cores, so a task that translates holds
/// its thread until the batch is done. Translators hold no process-wide
/// settings: several may search at once, on their own threads, with their
/// own thread counts and precisions.
public final class Translator: Sendable {
    /// The options this translator was loaded with.
    public let options: Options
    /// The longest source, in subwords, searched whole; a longer line is
    /// translated in pieces (``Options-swift.struct/maxSourceTokens``).
    public let maxSourceTokens: Int
    /// The engine: the model with its packed weights and decoding plan, its
    /// vocabularies and its scratch, used by one search at a time.
    private let engine: Mutex<S2STranslation.Translator>

    /// Loads a model folder.
    ///
    /// - Parameters:
    ///   - modelFolder: a folder written by `s2s-train` (model.safetensors,
    ///     config, prep.json, the vocabularies and bpe.codes).
    ///   - weights: parameters to use instead of the folder's
    ///     model.safetensors: a checkpoint of the same run, or an average
    ///     of several (`s2s-average`).
    ///   - ensemble: more model folders of the same vocabularies whose
    ///     log-probabilities are averaged with this one's.
    ///   - options: how to search.
    /// - Throws: ``S2SError/input(file:line:problem:hint:)`` naming the file
    ///   that is missing or wrong, ``S2SError/options(problem:hint:)`` for
    ///   options this machine cannot run (a precision its CPU lacks, a batch
    ///   that would not fit in memory).
    public init(modelFolder: String, weights: String? = nil, ensemble: [String] = [],
                options: Options = Options()) throws(S2SError) {
        try options.validate()
        let engine = try S2SError.converting(file: modelFolder) {
            let engine = try S2STranslation.Translator(modelFolder: modelFolder, weights: weights, options: options.engine)
            for other in ensemble { try engine.addToEnsemble(modelFolder: other) }
            return engine
        }
        self.options = options
        maxSourceTokens = engine.maxSourceTokens
        self.engine = Mutex(engine)
    }

    /// Translates one line (an empty line gives an empty translation).
    public func translate(_ line: String) throws(S2SError) -> Translation {
        try translate([line])[0]
    }

    /// Translates lines, searched together in batches of
    /// ``Options-swift.struct/batchSize``; the translations in the lines' order.
    ///
    /// - Parameters:
    ///   - lines: the text, one line each (a line break inside one is
    ///     translated as a space).
    ///   - warning: told of each line whose translation is not what it could
    ///     be (a sentence cut into windows, a minimum length above the
    ///     line's limit): the line's index in `lines`, and what happened.
    public func translate(_ lines: [String],
                          warning: (_ index: Int, _ message: String) -> Void = { _, _ in }) throws(S2SError) -> [Translation] {
        try translate(lines, search: search, warning: warning)
    }

    /// Translates lines as ``translate(_:warning:)`` does, with another beam,
    /// n-best or penalties than the translator's options (a server's
    /// per-request choice).
    /// - Throws: ``S2SError/options(problem:hint:)`` for a beam wider than
    ///   the translator was loaded for.
    public func translate(_ lines: [String], search: Search,
                          warning: (_ index: Int, _ message: String) -> Void = { _, _ in }) throws(S2SError) -> [Translation] {
        try check(search)
        let options = options
        // Warnings are collected and told after the search: the caller's
        // closure stays with the caller, out of the engine's reach.
        let (results, warnings) = try engine.withLock { engine throws(S2SError) in
            var warnings: [(index: Int, message: String)] = []
            engine.warn = { warnings.append(($0, $1)) }
            defer { engine.warn = { _, _ in } }
            engine.options.search.beamSize = search.beamSize
            engine.options.search.nBest = search.nBest
            engine.options.search.lengthPenalty = search.lengthPenalty
            engine.options.search.coveragePenalty = search.coveragePenalty
            let results = try S2SError.converting { try engine.translate(lines) }
            return (results, warnings)
        }
        for w in warnings { warning(w.index, w.message) }
        return results.map { Translation(candidates: $0.prefix(search.nBest).map { options.candidate($0) }) }
    }

    /// How each decoding product runs on this CPU (with
    /// ``Precision/auto``, every way's measured time), one product a line,
    /// as `s2s-translate --show-plan` prints it.
    public var decodingPlan: String {
        engine.withLock { engine in
            let model = engine.model
            var lines = ["decoding plan (CPU: \(CPUName.current)):"]
            let timings = Dictionary(model.decodingTimings.map { ($0.name, $0.timings) }, uniquingKeysWith: { a, _ in a })
            for (name, path) in model.encoderPlan + model.decodingPlan {
                let measured = timings[name].map { t in
                    " (" + t.map { String(format: "%@ %.3f ms", $0.path.rawValue, $0.seconds * 1000) }.joined(separator: ", ") + ")"
                } ?? ""
                lines.append("  \(name): \(path.rawValue)\(measured)")
            }
            lines.append("  whole-sequence products: \(model.wholeSequencePrecision.rawValue)")
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

extension Translator.Options {
    /// Refuses options no search can run with.
    func validate() throws(S2SError) {
        func fail(_ problem: String) -> S2SError { .options(problem: problem, hint: "") }
        if beamSize < 1 { throw fail("beam size \(beamSize): it must be at least 1") }
        if nBest < 1 || nBest > beamSize { throw fail("n-best \(nBest): it must be between 1 and the beam size (\(beamSize))") }
        if batchSize < 1 { throw fail("batch size \(batchSize): it must be at least 1") }
        if let maxSourceTokens, maxSourceTokens < 1 { throw fail("max source tokens \(maxSourceTokens): it must be at least 1") }
        if let threads, threads < 1 { throw fail("threads \(threads): it must be at least 1") }
        if !precision.isAvailable {
            throw .options(problem: "this CPU cannot decode in \(precision.rawValue)", hint: "Use float32 or auto precision")
        }
    }

    /// An engine's translation as the options ask to see it.
    func candidate(_ t: S2STranslation.Translator.Translation) -> Translation.Candidate {
        let tokens = alignments || attention
        return Translation.Candidate(text: t.text, score: t.score,
                                     sourceTokens: tokens ? t.sourceTokens : [], targetTokens: tokens ? t.targetTokens : [],
                                     alignment: alignments ? t.alignment.map { .init(source: $0.source, target: $0.target) } : [],
                                     attention: attention ? t.attention : [])
    }
}
