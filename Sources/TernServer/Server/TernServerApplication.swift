import Hummingbird
import Logging
import TernEngine
import TernStore

/// The Friendli- and OpenAI-compatible HTTP API server.
///
/// ```swift
/// let registry = ModelRegistry()            // empty: /health answers 503 until a model is added
/// let server = TernServerApplication(
///     configuration: ServerConfiguration(host: "127.0.0.1", port: 8000),
///     registry: registry, authenticator: store, usage: store)
/// async let loading: Void = registry.add(try await loadModel())
/// try await server.run { port in print("listening on \(port)") }   // until SIGINT/SIGTERM
/// ```
public struct TernServerApplication: Sendable {
    public let configuration: ServerConfiguration
    /// The models served; add models after startup with ``ModelRegistry/add(_:)``.
    public let registry: ModelRegistry
    let handlers: APIHandlers
    let logger: Logger

    /// - Parameters:
    ///   - authenticator: checks `Authorization: Bearer` tokens and `X-Friendli-Team`.
    ///   - usage: receives one row per finished or failed inference request.
    ///   - metrics: receives request counts, latencies and token counts.
    public init(
        configuration: ServerConfiguration = ServerConfiguration(), registry: ModelRegistry,
        authenticator: any Authenticator, usage: any UsageRecorder,
        metrics: any ServerMetrics = DiscardingServerMetrics(), logger: Logger = Logger(label: "tern.server")
    ) {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        handlers = APIHandlers(
            registry: registry, authenticator: authenticator, ledger: UsageLedger(recorder: usage), metrics: metrics,
            configuration: configuration)
    }

    /// The Hummingbird application: the API router bound to the configured address.
    /// `onReady` receives the bound port once the server accepts connections.
    public func makeApplication(onReady: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        Application(
            router: APIRoutes.router(handlers),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.serverName),
            onServerRunning: { channel in
                await onReady(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully: stops accepting connections,
    /// lets in-flight requests finish, shuts the models down and writes every pending usage row.
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let result: Result<Void, any Error>
        do {
            try await makeApplication(onReady: onReady).runService()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        await shutdown()
        try result.get()
    }

    /// Shuts every served model down and waits for pending usage rows (called by ``run(onReady:)``).
    public func shutdown() async {
        for model in registry.all {
            await model.shutdown()
        }
        await handlers.ledger.flush()
    }

    /// Waits until every usage row queued so far is written.
    public func flushUsage() async {
        await handlers.ledger.flush()
    }

    /// Builds and runs a server in one call; see ``run(onReady:)``.
    public static func run(
        host: String, port: Int, models: ModelRegistry, authenticator: any Authenticator, usage: any UsageRecorder,
        metrics: any ServerMetrics = DiscardingServerMetrics(), onReady: @escaping @Sendable (Int) async -> Void
    ) async throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        try await TernServerApplication(
            configuration: configuration, registry: models, authenticator: authenticator, usage: usage,
            metrics: metrics
        ).run(onReady: onReady)
    }
}
