import Prometheus

/// What `GET /metrics` reports, in Prometheus's text format
/// (swift-prometheus's registry): requests by API and status, lines and
/// subwords translated, errors by kind, the queue's length, batch sizes,
/// request latency and connections the server closed.
public final class ServerMetrics: @unchecked Sendable {  // the registry and its metrics are thread-safe
    let registry = PrometheusCollectorRegistry()
    let sentences: Counter
    let sourceTokens: Counter
    let targetTokens: Counter
    let queueLength: Gauge
    let batchSentences: ValueHistogram
    let batchSeconds: DurationHistogram
    let latency: DurationHistogram

    let requests = name("requests", "total", "Requests answered, by API and HTTP status.")
    let errors = name("errors", "total", "Requests refused or failed, by kind.")
    let dropped = name("connections_dropped", "total",
                       "Connections the server closed: too slow (header, body or idle timeout) or over --max-connections.")

    /// s2s_NAME_UNIT with its help line.
    static func name(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "s2s", metricName: name, unitName: unit, helpText: help)
    }

    public init() {
        sentences = registry.makeCounter(descriptor: Self.name("sentences", "total", "Lines translated."))
        sourceTokens = registry.makeCounter(descriptor: Self.name("source_tokens", "total", "Source subwords translated."))
        targetTokens = registry.makeCounter(descriptor: Self.name("target_tokens", "total", "Target subwords produced (best translations)."))
        queueLength = registry.makeGauge(descriptor: Self.name("queue", "sentences", "Lines waiting for a batch."))
        batchSentences = registry.makeValueHistogram(descriptor: Self.name("batch", "sentences", "Lines searched together in one batch."),
                                                     buckets: [1, 2, 4, 8, 16, 32, 64, 128])
        let seconds: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                   .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)]
        batchSeconds = registry.makeDurationHistogram(descriptor: Self.name("batch", "seconds", "Time of one batch's search."),
                                                      buckets: seconds)
        latency = registry.makeDurationHistogram(
            descriptor: Self.name("request", "seconds", "Time from a translation request's arrival to its answer."), buckets: seconds)
    }

    /// One answered request of `api` (`libretranslate`, `native`, `languages`, …).
    public func request(api: String, status: Int, seconds: Double?) {
        registry.makeCounter(descriptor: requests, labels: [("api", api), ("status", String(status))]).increment()
        if let seconds { latency.record(.nanoseconds(Int64(seconds * 1e9))) }
    }

    public func error(_ kind: ServiceError.Kind) {
        registry.makeCounter(descriptor: errors, labels: [("kind", kind.rawValue)]).increment()
    }

    /// A connection closed by the server, for `reason` (`header_timeout`,
    /// `body_timeout`, `idle_timeout`, `over_limit`).
    public func connectionDropped(reason: String) {
        registry.makeCounter(descriptor: dropped, labels: [("reason", reason)]).increment()
    }

    public func translated(lines: Int, sourceTokens source: Int, targetTokens target: Int) {
        sentences.increment(by: Int64(lines))
        sourceTokens.increment(by: Int64(source))
        targetTokens.increment(by: Int64(target))
    }

    public func batch(lines: Int, seconds: Double) {
        batchSentences.record(Double(lines))
        batchSeconds.record(.nanoseconds(Int64(seconds * 1e9)))
    }

    /// The exposition, with the queue's length as of now.
    public func text(queueLength waiting: Int) -> String {
        queueLength.set(Double(waiting))
        return registry.emitToString()
    }
}
