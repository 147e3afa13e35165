import Foundation
import Prometheus
import TernEngine

/// Serves metrics as Prometheus text at `GET /metrics` (public), when the server's metrics conform.
public protocol MetricsExposition: Sendable {
    /// The exposition text, sampling `models`' engine gauges now.
    func exposition(models: [any ServedModel]) -> String
}

/// ``ServerMetrics`` kept in a Prometheus registry: request counts and durations by endpoint and
/// status; time to first token, inter-token latency and token counts by model; and, sampled at
/// each scrape, the engines' running/waiting requests and KV-cache blocks.
public final class PrometheusServerMetrics: ServerMetrics, MetricsExposition, @unchecked Sendable {
    // Sendable: the registry is thread-safe; `lastCounters` is guarded by `lock`.
    public let registry: PrometheusCollectorRegistry
    private let lock = NSLock()
    private var lastCounters: [String: EngineStats] = [:]

    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60),
    ]
    static let tokenBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
        .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1), .seconds(2),
    ]

    /// - Parameter registry: where the metrics live (a new one by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    public func requestFinished(endpoint: String, model: String?, status: Int, seconds: Double) {
        // Labelled by endpoint and status only: model names in failed requests come from clients.
        let labels = [("endpoint", endpoint), ("status", String(status))]
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("endpoint", endpoint)], buckets: Self.latencyBuckets
        ).record(Self.duration(seconds))
    }

    public func timeToFirstToken(model: String, seconds: Double) {
        registry.makeDurationHistogram(
            descriptor: Self.firstToken, labels: [("model", model)], buckets: Self.latencyBuckets
        ).record(Self.duration(seconds))
    }

    public func interTokenLatency(model: String, seconds: Double) {
        registry.makeDurationHistogram(
            descriptor: Self.interToken, labels: [("model", model)], buckets: Self.tokenBuckets
        ).record(Self.duration(seconds))
    }

    public func tokensProcessed(model: String, prompt: Int, generated: Int) {
        registry.makeCounter(descriptor: Self.promptTokens, labels: [("model", model)]).increment(by: Int64(prompt))
        registry.makeCounter(descriptor: Self.generationTokens, labels: [("model", model)])
            .increment(by: Int64(generated))
    }

    public func exposition(models: [any ServedModel]) -> String {
        for model in models {
            sample(model)
        }
        return registry.emitToString()
    }

    /// Copies one engine's gauges, and the growth of its counters since the last scrape.
    private func sample(_ model: any ServedModel) {
        let name = model.description.name
        let stats = model.stats
        let labels = [("model", name)]
        registry.makeGauge(descriptor: Self.running, labels: labels).set(Double(stats.running))
        registry.makeGauge(descriptor: Self.waiting, labels: labels).set(Double(stats.waiting))
        registry.makeGauge(descriptor: Self.kvUsed, labels: labels).set(Double(stats.kvBlocksUsed))
        registry.makeGauge(descriptor: Self.kvFree, labels: labels).set(Double(stats.kvBlocksFree))
        registry.makeGauge(descriptor: Self.kvCached, labels: labels).set(Double(stats.kvBlocksCached))
        let last = lock.withLock {
            defer { lastCounters[name] = stats }
            return lastCounters[name]
        }
        let growth: [(MetricNameDescriptor, Int, Int)] = [
            (Self.preemptions, stats.preemptions, last?.preemptions ?? 0),
            (Self.prefixQueried, stats.promptTokensQueried, last?.promptTokensQueried ?? 0),
            (Self.prefixReused, stats.promptTokensReused, last?.promptTokensReused ?? 0),
            (Self.steps, stats.steps, last?.steps ?? 0),
        ]
        for (descriptor, now, before) in growth {
            // A restarted engine starts from zero again; count from there.
            let delta = now >= before ? now - before : now
            registry.makeCounter(descriptor: descriptor, labels: labels).increment(by: Int64(delta))
        }
    }

    private static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((max(0, seconds) * 1e9).rounded()))
    }

    // Descriptors are rebuilt per use: `MetricNameDescriptor` is not Sendable, so it cannot be a stored static.
    private static func descriptor(_ name: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tern", metricName: name, unitName: unit, helpText: help)
    }

    static var requests: MetricNameDescriptor {
        descriptor("requests", unit: "total", "API requests by endpoint and HTTP status.")
    }
    static var requestDuration: MetricNameDescriptor {
        descriptor("request_duration", unit: "seconds", "API request durations.")
    }
    static var firstToken: MetricNameDescriptor {
        descriptor("time_to_first_token", unit: "seconds", "Time from request to first token.")
    }
    static var interToken: MetricNameDescriptor {
        descriptor("inter_token_latency", unit: "seconds", "Time between tokens of a choice.")
    }
    static var promptTokens: MetricNameDescriptor {
        descriptor("prompt_tokens", unit: "total", "Prompt tokens processed.")
    }
    static var generationTokens: MetricNameDescriptor {
        descriptor("generation_tokens", unit: "total", "Tokens generated.")
    }
    static var running: MetricNameDescriptor {
        descriptor("requests_running", "Requests the engine is generating for.")
    }
    static var waiting: MetricNameDescriptor { descriptor("requests_waiting", "Requests queued in the engine.") }
    static var kvUsed: MetricNameDescriptor { descriptor("kv_cache_blocks_used", "KV-cache blocks in use.") }
    static var kvFree: MetricNameDescriptor { descriptor("kv_cache_blocks_free", "KV-cache blocks free.") }
    static var kvCached: MetricNameDescriptor {
        descriptor("kv_cache_blocks_cached", "KV-cache blocks kept for prefix reuse.")
    }
    static var preemptions: MetricNameDescriptor {
        descriptor("preemptions", unit: "total", "Requests preempted for KV-cache space.")
    }
    static var prefixQueried: MetricNameDescriptor {
        descriptor(
            "prefix_cache_queried_tokens", unit: "total", "Prompt tokens looked up in the prefix cache.")
    }
    static var prefixReused: MetricNameDescriptor {
        descriptor(
            "prefix_cache_hit_tokens", unit: "total", "Prompt tokens served from the prefix cache.")
    }
    static var steps: MetricNameDescriptor {
        descriptor("engine_steps", unit: "total", "Engine iterations (forward passes).")
    }
}
