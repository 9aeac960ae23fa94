import ArgumentParser
import Foundation
import S2S
import S2SCore
import S2SText

/// The options of a search over a trained model, shared by s2s-translate and
/// s2s-serve (`@OptionGroup var search: SearchOptions`): one definition, one
/// validation, one mapping onto `S2S.Translator.Options`. For s2s-serve they are
/// the server's defaults and the ceilings a request may ask within.
public struct SearchOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Beam size (1: greedy).") public var beamSize = 5
    @Option(parsing: .unconditional, help: "GNMT length penalty α (0: none).") public var lengthPenalty = 0.0
    @Option(parsing: .unconditional, help: "GNMT coverage penalty β (0: none).") public var coveragePenalty = 0.0
    @Option(parsing: .unconditional, help: "Longest translation: this × source length + 10 subwords.") public var maxLenRatio = 2.0
    @Option(parsing: .unconditional, help: "Shortest translation, in subwords.") public var minLen = 0
    @Option(parsing: .unconditional, help: "Lines translated together at most.") public var batchSize = 32
    @Option(parsing: .unconditional, help: "A line of more source subwords than this is cut at sentence ends (windows of this many subwords, if a sentence alone is longer), the pieces translated one by one and joined into one output line (default: the longest source the model was trained on, prep.json's max_length).")
    public var maxSourceTokens: Int?
    @OptionGroup public var threads: ThreadsOption
    @Option(help: ArgumentHelp("Decoding products' precision: float32, bfloat16 (needs AVX512_BF16; on AMX tiles where the CPU has them, unless S2S_NO_AMX=1), int8 (the decoder's and the encoder's weights quantised per column, needs AVX512-VNNI) or auto (each product the fastest of OpenBLAS, packed float32, packed bfloat16 (vector and AMX) and int8 that this CPU runs, timed at load and cached).",
                               valueName: "P"),
            transform: OptionValue.parse())
    public var precision = Precision.auto
    @Option(parsing: .unconditional, help: ArgumentHelp("Score only the K target subwords most associated with each source subword (the model folder's shortlist.tsv, from s2s-prep) plus the --shortlist-frequent most frequent ones: faster, nearly the same translations (0: the whole vocabulary).", valueName: "K"))
    public var shortlist = 0
    @Option(parsing: .unconditional, help: "With --shortlist: the most frequent target subwords always scored.")
    public var shortlistFrequent = 100
    @Flag(help: "Replace each <unk> by the source word it attends to most (or its --unk-dict entry).") public var replaceUnk = false
    @Option(help: ArgumentHelp("Translations for --replace-unk: 'source<TAB>target' per line.", valueName: "FILE"))
    public var unkDict: String?

    public init() {}

    public func validate() throws {
        if let message = NumberOptions.problem(finite: [("--length-penalty", lengthPenalty), ("--coverage-penalty", coveragePenalty)],
                                               positive: [("--max-len-ratio", maxLenRatio)]) {
            throw ValidationError(message)
        }
        if beamSize < 1 { throw ValidationError("--beam-size must be at least 1.") }
        if minLen < 0 { throw ValidationError("--min-len must be 0 or more.") }
        if shortlist < 0 || shortlistFrequent < 0 {
            throw ValidationError("--shortlist and --shortlist-frequent must be 0 or more.")
        }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1.") }
        // Beyond 100 × the source a search only runs on to its limit.
        if maxLenRatio > 100 { throw ValidationError("--max-len-ratio must be at most 100, not \(maxLenRatio).") }
        if let maxSourceTokens, maxSourceTokens < 1 { throw ValidationError("--max-source-tokens must be at least 1.") }
        if precision == .int8 && !precision.isAvailable {
            throw ValidationError("--precision int8 needs a CPU with AVX512-VNNI, which this one lacks; use float32, bfloat16 or auto.")
        }
        if precision == .bfloat16 && !precision.isAvailable {
            throw ValidationError("--precision bfloat16 needs a CPU with AVX512_BF16, which this one lacks; use float32 or auto.")
        }
    }

    /// The translator's options these give.
    public func translatorOptions() throws -> Translator.Options {
        var options = Translator.Options()
        options.beamSize = beamSize
        options.lengthPenalty = lengthPenalty
        options.coveragePenalty = coveragePenalty
        options.maxLengthRatio = maxLenRatio
        options.minLength = minLen
        options.replaceUnknown = replaceUnk
        options.batchSize = batchSize
        options.maxSourceTokens = maxSourceTokens
        options.shortlist = shortlist
        options.shortlistFrequent = shortlistFrequent
        options.precision = precision
        options.threads = threads.threads
        if let unkDict { options.unknownDictionary = try Self.dictionary(unkDict) }
        return options
    }

    /// 'source<TAB>target' lines (--unk-dict).
    public static func dictionary(_ path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for (k, line) in try LineReader.lines(ofFile: path).enumerated() where !line.isEmpty {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 2 else {
                throw InputError(file: path, line: k + 1, problem: "expected 'source<TAB>target'", hint: "One entry a line")
            }
            out[String(f[0])] = String(f[1])
        }
        return out
    }
}
