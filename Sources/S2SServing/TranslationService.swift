import Foundation
import S2S
import S2SCore
import S2SText

/// Everything s2s-serve does but HTTP: the served models under their
/// language pairs, the one batching queue in front of them, the two
/// translation APIs' answers, the language list, health and metrics. The
/// HTTP layer (s2s-serve's routes) hands each request to `respond` and
/// writes back what it returns.
public final class TranslationService: @unchecked Sendable {
    /// A loaded model folder and the language pair it is served under.
    public struct Model {
        public var name: String
        public var source: String
        public var target: String
        public var translator: Translator
        public init(name: String, source: String, target: String, translator: Translator) {
            self.name = name; self.source = source; self.target = target; self.translator = translator
        }
    }

    /// What one batch is searched with: lines of one key share a search.
    public struct SearchKey: Hashable, Sendable {
        var model: Int
        var search: Translator.Search
    }

    /// An HTTP answer: status, content type, body, extra headers.
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var contentType: String
        public var body: String
        public var headers: [String: String] = [:]
        public init(status: Int, contentType: String, body: String, headers: [String: String] = [:]) {
            self.status = status; self.contentType = contentType; self.body = body; self.headers = headers
        }
        static func json(_ value: JSONValue, status: Int = 200) -> Answer {
            Answer(status: status, contentType: "application/json", body: value.serialized)
        }
        static func error(_ e: ServiceError) -> Answer {
            var a = Answer(status: e.status, contentType: "application/json", body: e.json)
            if let r = e.retryAfter { a.headers["Retry-After"] = String(r) }
            return a
        }
    }

    public let models: [Model]
    public let limits: ServingLimits
    public let metrics = ServerMetrics()
    private var queue: BatchQueue<SearchKey, Translation>!

    public init(models: [Model], limits: ServingLimits, queue settings: BatchQueue<SearchKey, Translation>.Settings) throws {
        var seen: [String: String] = [:]
        for m in models {
            if let other = seen["\(m.source)-\(m.target)"] {
                throw InputError(file: m.name, problem: "translates \(m.source)→\(m.target), as \(other) does",
                                 hint: "Serve one model per language pair (--source-lang/--target-lang name a folder's pair)")
            }
            seen["\(m.source)-\(m.target)"] = m.name
        }
        self.models = models
        self.limits = limits
        let metrics = self.metrics
        queue = BatchQueue(settings: settings, search: { [models] key, lines in Self.search(models[key.model], key, lines) },
                           onBatch: { lines, seconds in metrics.batch(lines: lines, seconds: seconds) })
        queue.start()
    }

    /// Finishes every queued line, then refuses new ones (SIGTERM's path).
    public func stop() { queue.stop() }

    /// One batch on the worker thread, with the batch's search; a line
    /// whose text the model's tokeniser refuses fails that line's request
    /// only (the batch is searched again without it).
    static func search(_ model: Model, _ key: SearchKey, _ lines: [String]) -> [Result<Translation, ServiceError>] {
        let t = model.translator
        if let all = try? t.translate(lines, search: key.search) { return all.map { .success($0) } }
        return lines.map { line in
            do { return .success(try t.translate([line], search: key.search)[0]) }
            catch { return .failure(ServiceError.bad("q", "a line could not be translated: \(error)")) }
        }
    }

    // ── Routes ────────────────────────────────────────────────────────────

    public enum Route: Sendable {
        case libreTranslate, native, languages, health, metrics
    }

    /// Answers one request. `body` is nil when it was over `limits.maxBodyBytes`;
    /// `connection` tells when the client goes away.
    public func respond(_ route: Route, body: [UInt8]?, contentType: String?, query: String?,
                        connection: ClientConnection? = nil) async -> Answer {
        let started = DispatchTime.now().uptimeNanoseconds
        let api: String
        let answer: Answer
        switch route {
        case .health:
            api = "health"
            answer = .json(.object(["status": .string("ready"), "models": .array(models.map { .string("\($0.source)-\($0.target)") })]))
        case .metrics:
            return Answer(status: 200, contentType: "text/plain; version=0.0.4", body: metrics.text(queueLength: queue.waitingLines))
        case .languages:
            api = "languages"
            answer = .json(languages)
        case .libreTranslate, .native:
            api = route == .native ? "native" : "libretranslate"
            do throws(ServiceError) {
                guard let body else {
                    throw ServiceError(.tooLarge, "the body is over this server's limit of \(limits.maxBodyBytes) bytes", field: "body")
                }
                let fields = try RequestFields.decode(body: body, contentType: contentType, query: query)
                let request = try TranslateRequest(fields: fields, api: route == .native ? .native : .libreTranslate, limits: limits)
                let (model, results) = try await translate(request, connection: connection)
                answer = .json(route == .native ? Self.native(request, model: models[model], results)
                                                : Self.libreTranslate(request, results))
            } catch {
                metrics.error(error.kind)
                answer = .error(error)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        metrics.request(api: api, status: answer.status, seconds: route == .libreTranslate || route == .native ? seconds : nil)
        return answer
    }

    /// `GET /languages`: every language served, with the targets it
    /// translates into (LibreTranslate's shape; target-only languages are
    /// listed too, with their own targets, so that clients which check both
    /// codes against the list accept them).
    public var languages: JSONValue {
        let codes = Set(models.flatMap { [$0.source, $0.target] }).sorted()
        return .array(codes.map { code in
            .object(["code": .string(code), "name": .string(LanguageCode.name(code)),
                     "targets": .array(models.filter { $0.source == code }.map(\.target).sorted().map { .string($0) })])
        })
    }

    /// The model for a language pair; "auto" as the source means the one
    /// model into `target`, when only one is (no language detection).
    func model(source: String, target: String) throws(ServiceError) -> Int {
        if source == "auto" {
            let into = models.indices.filter { models[$0].target == target }
            guard into.count == 1 else {
                throw ServiceError.bad("source", into.isEmpty
                    ? "no model translates into '\(target)' (GET /languages lists the pairs served)"
                    : "source 'auto' needs the source language here: several models translate into '\(target)'")
            }
            return into[0]
        }
        guard let i = models.firstIndex(where: { $0.source == source && $0.target == target }) else {
            let pairs = models.map { "\($0.source)→\($0.target)" }.joined(separator: ", ")
            throw ServiceError.bad(models.contains { $0.source == source } ? "target" : "source",
                                   "no model translates \(source)→\(target); this server translates \(pairs)")
        }
        return i
    }

    /// Every line of every text, through the queue; per text, per line, its n-best.
    func translate(_ request: TranslateRequest, connection: ClientConnection?) async throws(ServiceError) -> (Int, [[Translation]]) {
        let m = try model(source: request.source, target: request.target)
        let defaults = models[m].translator.search
        let nBest = request.alternatives + 1
        let key = SearchKey(model: m, search: Translator.Search(beamSize: max(request.beamSize ?? defaults.beamSize, nBest), nBest: nBest,
                                                                lengthPenalty: request.lengthPenalty ?? defaults.lengthPenalty,
                                                                coveragePenalty: request.coveragePenalty ?? defaults.coveragePenalty))
        let perText = request.texts.map(TranslateRequest.lines(of:))
        let lines = perText.flatMap { $0 }
        let queue = self.queue!
        let id = queue.makeID()
        defer { connection?.unwatch(id) }
        let result: Result<[Translation], ServiceError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                do throws(ServiceError) {
                    try queue.submit(id: id, key: key, lines: lines) { continuation.resume(returning: $0) }
                    // After the submission: a client already gone cancels it at once.
                    connection?.watch(id) { queue.cancel(id) }
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        } onCancel: {
            queue.cancel(id)
        }
        let translated = try result.get()
        metrics.translated(lines: lines.count, sourceTokens: translated.reduce(0) { $0 + $1.candidates[0].sourceTokens.count },
                           targetTokens: translated.reduce(0) { $0 + $1.candidates[0].targetTokens.count })
        var out: [[Translation]] = []
        var start = 0
        for text in perText {
            out.append(Array(translated[start..<start + text.count]))
            start += text.count
        }
        return (m, out)
    }

    // ── Answers ───────────────────────────────────────────────────────────

    /// A text's k-th translation: its lines' k-th (or last) joined by line breaks.
    static func text(_ lines: [Translation], _ k: Int) -> String {
        lines.map { $0.candidates[min(k, $0.candidates.count - 1)].text }.joined(separator: "\n")
    }

    /// LibreTranslate's answer: `translatedText` (and `alternatives` when
    /// asked), strings for a string `q`, arrays for an array.
    static func libreTranslate(_ request: TranslateRequest, _ results: [[Translation]]) -> JSONValue {
        let best = results.map { JSONValue.string(text($0, 0)) }
        let alternatives = results.map { lines -> JSONValue in
            let n = lines.map(\.candidates.count).max() ?? 1
            return .array((1..<max(n, 1)).prefix(request.alternatives).map { .string(text(lines, $0)) })
        }
        var object: [String: JSONValue] = ["translatedText": request.isBatch ? .array(best) : best[0]]
        if request.alternatives > 0 { object["alternatives"] = request.isBatch ? .array(alternatives) : alternatives[0] }
        return .object(object)
    }

    /// The native answer: per text its best translation and, per line, the
    /// n-best with scores, subwords, alignments and (when asked) attention.
    static func native(_ request: TranslateRequest, model: Model, _ results: [[Translation]]) -> JSONValue {
        let texts: [JSONValue] = results.map { lines in
            .object([
                "translatedText": .string(text(lines, 0)),
                "lines": .array(lines.map { line in
                    .object([
                        "source_tokens": .array(line.candidates[0].sourceTokens.map { .string($0) }),
                        "nbest": .array(line.candidates.map { t in
                            var o: [String: JSONValue] = [
                                "text": .string(t.text),
                                "score": JSONValue.rounded(t.score),
                                "target_tokens": .array(t.targetTokens.map { .string($0) }),
                                "alignment": .array(t.alignment.map { .array([.number(Double($0.source)), .number(Double($0.target))]) }),
                            ]
                            if request.wantsAttention {
                                o["attention"] = .array(t.attention.map { .array($0.map { JSONValue.rounded(Double($0)) }) })
                            }
                            return .object(o)
                        }),
                    ])
                }),
            ])
        }
        return .object(["model": .string(model.name), "source": .string(model.source), "target": .string(model.target),
                        "translations": .array(texts)])
    }
}

extension TranslationService.Model {
    /// Loads a model folder, served under `source`/`target` when given,
    /// else under prep.json's `source_language`/`target_language`.
    public static func load(folder: String, options: Translator.Options, source: String?, target: String?) throws -> Self {
        let translator = try Translator(modelFolder: folder, options: options)
        let modelFolder = ModelFolder(path: folder)
        let prep = try? modelFolder.prepManifest()
        var pair: [String] = []
        for (given, recorded, what, flag) in [(source, prep?.sourceLanguage, "source language", "--source-lang"),
                                              (target, prep?.targetLanguage, "target language", "--target-lang")] {
            guard let code = given ?? recorded else {
                throw InputError(file: modelFolder.prepPath, problem: "names no \(what)",
                                 hint: "Give s2s-serve \(flag) (or s2s-prep \(flag) when preparing the corpus)")
            }
            if let problem = LanguageCode.problem(code) {
                throw InputError(file: given == nil ? modelFolder.prepPath : flag, problem: problem, hint: "Use the language's ISO 639-1 code")
            }
            pair.append(code)
        }
        let name = URL(fileURLWithPath: folder).lastPathComponent
        return .init(name: name, source: pair[0], target: pair[1], translator: translator)
    }
}
