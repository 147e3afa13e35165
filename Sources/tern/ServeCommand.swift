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

    @Option(name: .long, help: "A JSON file listing the models to serve with per-model settings (see README).")
    var config: String?

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
        let plan = try servingPlan()
        let store = try TernStore(path: directory.database.path)
        if let token = try await store.bootstrapIfEmpty() {
            printError("Created the default team and an API token (shown once, keep it):\n\(token)")
        }
        let registry = ModelRegistry(expectedModels: plan.models.count)
        let server = TernServerApplication(
            configuration: ServerConfiguration(host: host, port: port), registry: registry, authenticator: store,
            usage: store, metrics: PrometheusServerMetrics())
        // One pool for every model without threads of its own: engines take turns per forward pass
        // instead of each spinning its own workers on the same cores.
        let shared = plan.models.contains { $0.threads == nil } ? ThreadPool(threadCount: plan.threads ?? 1) : nil
        let loader = Task.detached { [self] in
            for (index, entry) in plan.models.enumerated() {
                if Task.isCancelled { break }
                do {
                    let pool = entry.threads.map { ThreadPool(threadCount: $0) } ?? shared!
                    let taken = plan.explicitIDs(except: index).union(registry.all.flatMap(\.description.ids))
                    registry.add(try loadServedModel(entry, pool: pool, taken: taken, dataDirectory: directory))
                } catch {
                    printError("error: cannot load the model '\(entry.model)': \(error)")
                }
            }
            if !registry.all.isEmpty {
                printError("Models ready: \(registry.all.map(\.description.name).joined(separator: ", "))")
            }
            registry.finishLoading()
        }
        try await server.run { port in printError("Tern is listening on http://\(host):\(port)") }
        loader.cancel()
    }

    /// The models and thread count from `--config`, or from `--model` and the engine flags.
    private func servingPlan() throws -> ServeConfiguration {
        var plan: ServeConfiguration
        if let config {
            guard model.isEmpty else { throw ValidationError("use either --config or --model, not both") }
            plan = try ServeConfiguration.load(path: config)
        } else {
            let names = model.isEmpty ? [ModelCatalog.defaultModelName] : model
            plan = ServeConfiguration(threads: nil, models: names.map { ServeConfiguration.Model(model: $0) })
        }
        plan.threads = max(1, threads ?? plan.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        return plan
    }

    /// Opens a model file and starts its engine on `pool`.
    /// `taken`: the ids other models answer to, which this one must not claim.
    private func loadServedModel(
        _ entry: ServeConfiguration.Model, pool: ThreadPool, taken: Set<String>, dataDirectory: DataDirectory
    ) throws -> any ServedModel {
        let puller = ModelPuller(dataDirectory: dataDirectory, log: { printError($0) })
        let (url, locatedName) = try ModelLocator(puller: puller).locate(entry.model)
        let name = entry.name ?? locatedName
        if entry.name == nil, taken.contains(name) {
            throw ConfigurationError("another model already answers to '\(name)'; give this one a `name`")
        }
        let file = try GGUFFile(path: url.path)
        let tokenizer = try TokenizerFactory.load(file: file)
        let model = try ModelFactory.load(file: file, pool: pool)
        let engine = Engine(
            model: model,
            configuration: EngineConfiguration(
                kvCacheTokens: entry.kvCacheTokens ?? kvCacheTokens,
                maxBatchTokens: entry.maxBatchTokens ?? maxBatchTokens,
                maxRunning: entry.maxRunning ?? maxRunning, maxWaiting: entry.maxQueue ?? maxQueue,
                prefixCaching: entry.prefixCache ?? prefixCache))
        // A built-in model's file passed by path also answers to the built-in name, unless another
        // model claims it (the same file served twice with different settings).
        let catalogName = ModelCatalog.models.first { $0.fileName == url.lastPathComponent }?.name
        let implicit = [catalogName, locatedName].compactMap { $0 }.filter { !taken.contains($0) }
        let aliases = ((entry.aliases ?? []) + implicit).filter { $0 != name }
        let description = ModelDescription(
            name: name, aliases: Array(Set(aliases)).sorted(), architecture: file.architecture ?? "unknown",
            contextLength: model.contextLength, created: Int(Date().timeIntervalSince1970),
            chatTemplate: file.metadata.string("tokenizer.chat_template"),
            bosToken: tokenizer.bosTokenID.map { tokenizer.tokenText($0) } ?? "",
            eosToken: tokenizer.eosTokenID.map { tokenizer.tokenText($0) } ?? "")
        return EngineServedModel(description: description, tokenizer: tokenizer, engine: engine)
    }
}
