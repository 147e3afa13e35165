/// How the API server listens and what it allows. Defaults suit `tern serve` on one machine.
public struct ServerConfiguration: Sendable, Equatable {
    /// Address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    public var host: String
    /// Port to bind; 0 picks a free one (reported through `onReady`).
    public var port: Int
    /// Request bodies larger than this are refused with 413.
    public var maxBodyBytes: Int
    /// `max_tokens` when a request gives none: the rest of the context, but at most this many, so a
    /// model that never stops cannot hold a slot for the whole context by default.
    public var defaultMaxTokens: Int
    /// Largest `n` (choices per prompt).
    public var maxChoices: Int
    /// Most `stop` strings per request.
    public var maxStopStrings: Int
    /// Largest `top_logprobs`.
    public var maxTopLogprobs: Int
    /// Sent as the `Server` header when set.
    public var serverName: String?

    /// Creates a configuration; every value has a default.
    public init(
        host: String = "127.0.0.1", port: Int = 8000, maxBodyBytes: Int = 4 << 20, defaultMaxTokens: Int = 4096,
        maxChoices: Int = 16, maxStopStrings: Int = 16, maxTopLogprobs: Int = 20, serverName: String? = "tern"
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.defaultMaxTokens = defaultMaxTokens
        self.maxChoices = maxChoices
        self.maxStopStrings = maxStopStrings
        self.maxTopLogprobs = maxTopLogprobs
        self.serverName = serverName
    }
}
