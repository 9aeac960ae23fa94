/// The server's limits on what one request may ask and on the queue.
public struct ServingLimits: Sendable, Equatable {
    /// A body longer than this is refused (413).
    public var maxBodyBytes = 1 << 20
    /// Lines of one request (each `q` element split at its line breaks).
    public var maxSentences = 1_000
    /// Characters of one line.
    public var maxSentenceCharacters = 5_000
    /// Lines waiting across all requests; beyond, 503 with Retry-After.
    public var maxQueuedSentences = 10_000
    /// The widest beam a request may ask for (`beam_size`, or
    /// LibreTranslate's `alternatives` + 1).
    public var maxBeamSize = 10
    public init() {}
}

/// A translation request, decoded and checked against the limits. Both
/// APIs read into it: LibreTranslate's `POST /translate` and the native
/// `POST /v1/translate` (which adds the search options and attention).
public struct TranslateRequest: Equatable, Sendable {
    public enum API: Sendable { case libreTranslate, native }

    /// `q`: one text, or several (`isBatch`). A text's lines are translated
    /// apart and joined again with line breaks.
    public var texts: [String]
    public var isBatch: Bool
    /// ISO 639-1 codes; `source` may be "auto" (resolved by the catalog).
    public var source: String
    public var target: String
    /// Translations per line beyond the best (LibreTranslate's `alternatives`;
    /// native: `n_best` − 1).
    public var alternatives = 0
    /// Search options the request sets (nil: the server's default).
    public var beamSize: Int?
    public var lengthPenalty: Double?
    public var coveragePenalty: Double?
    /// The native API's attention matrices and alignments.
    public var wantsAttention = false

    public init(texts: [String], isBatch: Bool, source: String, target: String) {
        self.texts = texts
        self.isBatch = isBatch
        self.source = source
        self.target = target
    }

    public init(fields: RequestFields, api: API, limits: ServingLimits) throws(ServiceError) {
        switch fields.values["q"] {
        case nil, .null?:
            throw ServiceError.bad("q", "missing field 'q': the text to translate (a string or an array of strings)")
        case .string(let s)?:
            texts = [s]; isBatch = false
        case .array(let items)?:
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else { throw ServiceError.bad("q", "'q[\(i)]' must be a string") }
                out.append(s)
            }
            texts = out; isBatch = true
        default:
            throw ServiceError.bad("q", "'q' must be a string or an array of strings")
        }
        guard let source = try fields.string("source"), !source.isEmpty else {
            throw ServiceError.bad("source", "missing field 'source': the source language's code (GET /languages lists them)")
        }
        guard let target = try fields.string("target"), !target.isEmpty else {
            throw ServiceError.bad("target", "missing field 'target': the target language's code (GET /languages lists them)")
        }
        self.source = source
        self.target = target
        switch try fields.string("format") {
        case nil, "text": break
        case "html": throw ServiceError.bad("format", "format 'html' is not supported: send plain text (format 'text')")
        case let other?: throw ServiceError.bad("format", "format must be 'text', not '\(other)'")
        }
        switch api {
        case .libreTranslate:
            alternatives = try fields.integer("alternatives", in: 0...(limits.maxBeamSize - 1)) ?? 0
        case .native:
            beamSize = try fields.integer("beam_size", in: 1...limits.maxBeamSize)
            let nBest = try fields.integer("n_best", in: 1...(beamSize ?? limits.maxBeamSize)) ?? 1
            alternatives = nBest - 1
            lengthPenalty = try fields.number("length_penalty", in: 0...5)
            coveragePenalty = try fields.number("coverage_penalty", in: 0...5)
            wantsAttention = try fields.boolean("attention") ?? false
        }
        var lines = 0
        for (i, text) in texts.enumerated() {
            for line in Self.lines(of: text) {
                lines += 1
                if line.count > limits.maxSentenceCharacters {
                    throw ServiceError(.tooLarge, "a line of \(isBatch ? "q[\(i)]" : "q") has \(line.count) characters, more than this server's limit of \(limits.maxSentenceCharacters): split it", field: "q")
                }
            }
        }
        if lines > limits.maxSentences {
            throw ServiceError(.tooLarge, "the request holds \(lines) lines, more than this server's limit of \(limits.maxSentences) a request: send them in several requests", field: "q")
        }
    }

    /// A text's lines (line breaks: \n, \r\n).
    public static func lines(of text: String) -> [String] {
        // "\r\n" is one Character in Swift, apart from "\n".
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
    }
}
