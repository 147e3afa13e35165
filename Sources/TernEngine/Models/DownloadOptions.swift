import Foundation

/// How URL downloads behave: timeouts, automatic resumes and credentials.
public struct DownloadOptions: Sendable, Equatable {
    /// Seconds without any data (connecting included) before a transfer is abandoned.
    public var idleTimeout: TimeInterval
    /// How many times a transfer that failed on the network or timed out is resumed automatically.
    public var retries: Int
    /// Seconds to wait before the first automatic resume; doubled for each further one.
    public var retryDelay: TimeInterval
    /// A Hugging Face access token, sent as `Authorization: Bearer` to huggingface.co only
    /// (never to the CDN it redirects to), for gated and private repositories.
    public var huggingFaceToken: String?

    public init(
        idleTimeout: TimeInterval = 60, retries: Int = 2, retryDelay: TimeInterval = 2,
        huggingFaceToken: String? = ProcessInfo.processInfo.environment["HF_TOKEN"]
    ) {
        self.idleTimeout = idleTimeout
        self.retries = retries
        self.retryDelay = retryDelay
        self.huggingFaceToken = huggingFaceToken.flatMap { $0.isEmpty ? nil : $0 }
    }
}
