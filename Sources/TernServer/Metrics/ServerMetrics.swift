import TernEngine

/// Where the server reports what it observes, for a `/metrics` endpoint or logs. Every method is
/// called on the request path, so implementations must be cheap and thread-safe.
public protocol ServerMetrics: Sendable {
    /// A request ended (any endpoint, any status; 499 when the client disconnected).
    func requestFinished(endpoint: String, model: String?, status: Int, seconds: Double)
    /// The first token of a choice arrived `seconds` after its request did.
    func timeToFirstToken(model: String, seconds: Double)
    /// A token arrived `seconds` after the previous token of the same choice.
    func interTokenLatency(model: String, seconds: Double)
    /// A generation request ended having processed `prompt` and generated `generated` tokens.
    func tokensProcessed(model: String, prompt: Int, generated: Int)
}

/// Metrics that go nowhere (the default).
public struct DiscardingServerMetrics: ServerMetrics {
    public init() {}
    public func requestFinished(endpoint: String, model: String?, status: Int, seconds: Double) {}
    public func timeToFirstToken(model: String, seconds: Double) {}
    public func interTokenLatency(model: String, seconds: Double) {}
    public func tokensProcessed(model: String, prompt: Int, generated: Int) {}
}

/// Measures time to first token and inter-token latency of one request's choices.
struct TokenTiming: Sendable {
    var start: ContinuousClock.Instant
    var model: String
    var metrics: any ServerMetrics

    /// Records a token that arrived now; `previous` is the choice's previous token time.
    func tokenArrived(previous: inout ContinuousClock.Instant?) {
        let now = ContinuousClock.now
        if let previous {
            metrics.interTokenLatency(model: model, seconds: (now - previous).seconds)
        } else {
            metrics.timeToFirstToken(model: model, seconds: (now - start).seconds)
        }
        previous = now
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
