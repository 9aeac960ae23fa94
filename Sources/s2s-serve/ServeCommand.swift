import ArgumentParser
import Foundation
import S2S
import S2SOptions
import S2SServing

@main
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-serve",
        abstract: "Serve trained models over HTTP: LibreTranslate's API, s2s's own, and a page to try them.",
        discussion: """
            Loads each --model once and answers on HOST:PORT: POST /translate (LibreTranslate's \
            API: q, source, target, alternatives), POST /v1/translate (n-best with scores, \
            alignments and attention; search options per request), GET /languages, GET /health, \
            GET /metrics (Prometheus) and GET / (a page to translate and see attention). The \
            lines of concurrent requests are searched together in batches. SIGTERM or Ctrl-C: \
            stops accepting, answers what is in flight, exits 0.

            Examples:
              s2s-serve --model models/bible
              curl -s localhost:8080/translate -H 'Content-Type: application/json' \\
                -d '{"q": "In the beginning God created the heavens and the earth.", "source": "en", "target": "es"}'
            """)

    @Option(help: ArgumentHelp("A model folder written by s2s-train (repeat for several language pairs).", valueName: "DIR"))
    var model: [String]
    @Option(help: ArgumentHelp("Serve the models as translating from this ISO 639-1 code (default: prep.json's source_language).", valueName: "CODE"))
    var sourceLang: String?
    @Option(help: ArgumentHelp("… into this code (default: prep.json's target_language).", valueName: "CODE"))
    var targetLang: String?
    @Option(help: "Address to listen on (loopback by default: put a proxy in front to serve others).") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "Port to listen on (0: any free one; the one taken is printed).") var port = 8080
    @OptionGroup(title: "Search (the server's defaults)") var search: SearchOptions
    @Option(parsing: .unconditional, help: "Milliseconds the first waiting line waits for others to share its batch.")
    var batchWaitMs = 5.0
    @Option(parsing: .unconditional, help: "Lines waiting at most; beyond, requests get 503 with Retry-After.")
    var maxQueuedSentences = 10_000
    @Option(parsing: .unconditional, help: "Lines a request may hold at most (413 beyond).") var maxSentences = 1_000
    @Option(parsing: .unconditional, help: "Characters a line may hold at most (413 beyond).") var maxSentenceCharacters = 5_000
    @Option(parsing: .unconditional, help: "Bytes a request body may hold at most (413 beyond).") var maxBodyBytes = 1 << 20
    @Option(parsing: .unconditional, help: "The widest beam a request may ask for.") var maxBeamSize = 10
    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds from a request's first byte to the end of its head; a slower client is disconnected.", valueName: "SECONDS"))
    var headerTimeout = ConnectionTimeouts().header
    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds a request's body may take to arrive after its head.", valueName: "SECONDS"))
    var bodyTimeout = ConnectionTimeouts().body
    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds a kept-alive connection may wait for its next request.", valueName: "SECONDS"))
    var idleTimeout = ConnectionTimeouts().idle
    @Option(parsing: .unconditional, help: "Connections open at most; one beyond is closed at once (bounded by the descriptor limit, raised to the hard limit at start).")
    var maxConnections = 1_000

    func validate() throws {
        if model.isEmpty { throw ValidationError("Give at least one --model DIR.") }
        for (flag, code) in [("--source-lang", sourceLang), ("--target-lang", targetLang)] {
            if let code, let problem = S2SCommand.languageProblem(code) { throw ValidationError("\(flag): \(problem).") }
        }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535, not \(port).") }
        if !(batchWaitMs.isFinite && batchWaitMs >= 0 && batchWaitMs <= 10_000) {
            throw ValidationError("--batch-wait-ms must be between 0 and 10000, not \(batchWaitMs).")
        }
        for (flag, seconds) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)]
        where !(seconds.isFinite && seconds > 0 && seconds <= 86_400) {
            throw ValidationError("\(flag) must be a number of seconds above 0 and at most 86400 (a day), not \(seconds).")
        }
        for (flag, n) in [("--max-connections", maxConnections), ("--max-queued-sentences", maxQueuedSentences), ("--max-sentences", maxSentences),
                          ("--max-sentence-characters", maxSentenceCharacters), ("--max-body-bytes", maxBodyBytes),
                          ("--max-beam-size", maxBeamSize)] where n < 1 {
            throw ValidationError("\(flag) must be at least 1, not \(n).")
        }
        if maxSentences > maxQueuedSentences {
            throw ValidationError("--max-sentences (\(maxSentences)) must be at most --max-queued-sentences (\(maxQueuedSentences)): a request the queue cannot hold would be refused forever.")
        }
        if search.beamSize > maxBeamSize {
            throw ValidationError("--beam-size (\(search.beamSize)) must be at most --max-beam-size (\(maxBeamSize)).")
        }
    }

    func run() async throws {
        var options = try search.translatorOptions()
        // The native API returns subwords, alignments and attention (for long lines too).
        options.alignments = true
        options.attention = true
        options.widestBeam = maxBeamSize  // what a request may ask for
        var models: [TranslationService.Model] = []
        for folder in model {
            do {
                models.append(try .load(folder: folder, options: options, source: sourceLang, target: targetLang))
            } catch S2SError.options(let problem, let hint) {
                throw ValidationError("\(problem). \(hint)")
            }
            Self.log("loaded \(folder) as \(models.last!.source)→\(models.last!.target)")
        }
        var limits = ServingLimits()
        limits.maxBodyBytes = maxBodyBytes
        limits.maxSentences = maxSentences
        limits.maxSentenceCharacters = maxSentenceCharacters
        limits.maxQueuedSentences = maxQueuedSentences
        limits.maxBeamSize = maxBeamSize
        var queue = BatchQueue<TranslationService.SearchKey, Translation>.Settings()
        queue.batchSize = search.batchSize
        queue.maxWait = batchWaitMs / 1000
        queue.maxQueued = maxQueuedSentences
        let service = try TranslationService(models: models, limits: limits, queue: queue)
        var timeouts = ConnectionTimeouts()
        timeouts.header = headerTimeout
        timeouts.body = bodyTimeout
        timeouts.idle = idleTimeout
        try await Routes.serve(service, host: host, port: port, page: Page.load(), timeouts: timeouts,
                               maxConnections: connectionsAllowed(), log: Self.log)
        service.stop()
        Self.log("stopped")
    }

    /// --max-connections, or fewer where the descriptor limit (raised to
    /// the hard limit first) cannot hold as many beside the server's own.
    func connectionsAllowed() -> Int {
        let descriptors = DescriptorLimit.raiseToHard()
        let fit = max(1, descriptors - DescriptorLimit.reserved)
        if fit < maxConnections {
            Self.log("at most \(fit) connections at once, not --max-connections \(maxConnections): the descriptor limit is \(descriptors) (raise its hard limit, ulimit -Hn, to allow more)")
        }
        return min(fit, maxConnections)
    }

    @Sendable static func log(_ message: String) {
        S2SCommand.report("s2s-serve: \(message)\n")
    }

    static func main() async {
        S2SCommand.start(loadsModels: true)
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand { try await command.run() } else { try command.run() }
        } catch {
            exit(withError: error)
        }
    }
}
