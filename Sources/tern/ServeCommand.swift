import ArgumentParser
import Foundation
import TernEngine
import TernGGUF
import TernModels
import TernServer
import TernStore
import TernTensor
import TernTokenizers

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve models behind the Friendli / OpenAI-compatible API.")

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port: Int = 8000

    @Option(name: .long, help: "A built-in model name or a .gguf path (repeat to serve several).")
    var model: [String] = []

    @Option(name: .long, help: "Data directory (default: $TERN_HOME or ~/.tern).")
    var dataDir: String?

    @Option(name: .long, help: "Threads for the engine (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "KV cache size in tokens per model.")
    var kvCacheTokens: Int = 32_768

    @Option(name: .long, help: "Requests running at once per model.")
    var maxRunning: Int = 64

    @Option(name: .long, help: "Requests waiting for admission before new ones get 429.")
    var maxQueue: Int = 256

    @Option(name: .long, help: "Tokens per forward pass (decode tokens plus prefill chunks).")
    var maxBatchTokens: Int = 512

    @Flag(name: .long, inversion: .prefixedNo, help: "Reuse cached KV blocks of shared prompt prefixes.")
    var prefixCache = true

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if !(1...65_535).contains(port) { throw ValidationError("--port must be in 1...65535") }
        if kvCacheTokens < 16 { throw ValidationError("--kv-cache-tokens must be at least 16") }
        if maxRunning < 1 || maxQueue < 1 || maxBatchTokens < 1 {
            throw ValidationError("--max-running, --max-queue and --max-batch-tokens must be at least 1")
        }
    }

    func run() async throws {
        let directory = DataDirectory.resolve(dataDir)
        try directory.create()
        let store = try TernStore(path: directory.database.path)
        if let token = try await store.bootstrapIfEmpty() {
            printError("Created the default team and an API token (shown once, keep it):\n\(token)")
        }
        let registry = ModelRegistry()
        let server = TernServerApplication(
            configuration: ServerConfiguration(host: host, port: port), registry: registry, authenticator: store,
            usage: store, metrics: PrometheusServerMetrics())
        let names = model.isEmpty ? [ModelCatalog.defaultModelName] : model
        let loader = Task.detached { [self] in
            do {
                for name in names { registry.add(try loadServedModel(name, dataDirectory: directory)) }
                printError("Models ready: \(registry.all.map(\.description.name).joined(separator: ", "))")
            } catch {
                printError("error: cannot load a model: \(error)")
            }
            registry.finishLoading()
        }
        try await server.run { port in printError("Tern is listening on http://\(host):\(port)") }
        loader.cancel()
    }

    /// Opens a model file and starts its engine.
    private func loadServedModel(_ nameOrPath: String, dataDirectory: DataDirectory) throws -> any ServedModel {
        let puller = ModelPuller(dataDirectory: dataDirectory, log: { printError($0) })
        let (url, name) = try ModelLocator(puller: puller).locate(nameOrPath)
        let file = try GGUFFile(path: url.path)
        let tokenizer = try TokenizerFactory.load(file: file)
        let pool = ThreadPool(threadCount: max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount))
        let model = try ModelFactory.load(file: file, pool: pool)
        let engine = Engine(
            model: model,
            configuration: EngineConfiguration(
                kvCacheTokens: kvCacheTokens, maxBatchTokens: maxBatchTokens, maxRunning: maxRunning,
                maxWaiting: maxQueue, prefixCaching: prefixCache))
        let description = ModelDescription(
            name: name, architecture: file.architecture ?? "unknown", contextLength: model.contextLength,
            created: Int(Date().timeIntervalSince1970), chatTemplate: file.metadata.string("tokenizer.chat_template"),
            bosToken: tokenizer.bosTokenID.map { tokenizer.tokenText($0) } ?? "",
            eosToken: tokenizer.eosTokenID.map { tokenizer.tokenText($0) } ?? "")
        return EngineServedModel(description: description, tokenizer: tokenizer, engine: engine)
    }
}
