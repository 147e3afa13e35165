import Foundation
import TernEngine

/// What `tern serve` runs: the models with their per-model engine settings, from `--model`
/// flags or a JSON configuration file (`--config`).
///
/// ```json
/// {
///   "threads": 2,
///   "models": [
///     {"model": "smollm2-135m-instruct", "aliases": ["smol"], "kv_cache_tokens": 16384},
///     {"model": "gemma-3-270m", "max_running": 16, "max_batch_tokens": 256, "threads": 1}
///   ]
/// }
/// ```
/// Per-model keys: `model` (a built-in name, `hf://`/`https://` reference or `.gguf` path;
/// required), `name` (the id clients send; default: the built-in name or the file name),
/// `aliases`, `kv_cache_tokens`, `max_running`, `max_queue`, `max_batch_tokens`, `prefix_cache`,
/// `threads`. Unset keys take the command-line values. Models without their own `threads` share
/// one pool of the top-level `threads` and take turns per forward pass; a model with `threads` gets
/// workers of its own and runs at the same time as the others (give each model its own cores).
struct ServeConfiguration: Decodable, Equatable {
    /// One model to serve and its settings; nil fields fall back to the command line.
    struct Model: Decodable, Equatable {
        var model: String
        var name: String?
        var aliases: [String]?
        var kvCacheTokens: Int?
        var maxRunning: Int?
        var maxQueue: Int?
        var maxBatchTokens: Int?
        var prefixCache: Bool?
        var threads: Int?

        enum CodingKeys: String, CodingKey {
            case model, name, aliases, threads
            case kvCacheTokens = "kv_cache_tokens"
            case maxRunning = "max_running"
            case maxQueue = "max_queue"
            case maxBatchTokens = "max_batch_tokens"
            case prefixCache = "prefix_cache"
        }
    }

    var threads: Int?
    var models: [Model]

    /// The names and aliases the configuration gives explicitly to models other than `index`.
    func explicitIDs(except index: Int) -> Set<String> {
        Set(
            models.enumerated().filter { $0.offset != index }.flatMap {
                [$0.element.name].compactMap { $0 } + ($0.element.aliases ?? [])
            })
    }

    /// Reads and checks a configuration file; errors name the file and the problem.
    static func load(path: String) throws -> ServeConfiguration {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ConfigurationError("cannot read \(url.path): \(error.localizedDescription)")
        }
        let configuration: ServeConfiguration
        do { configuration = try JSONDecoder().decode(ServeConfiguration.self, from: data) } catch {
            throw ConfigurationError("\(url.path) is not a valid configuration: \(describe(error))")
        }
        try configuration.validate(source: url.path)
        return configuration
    }

    func validate(source: String) throws {
        guard !models.isEmpty else { throw ConfigurationError("\(source): `models` is empty") }
        if let threads, threads < 1 { throw ConfigurationError("\(source): `threads` must be at least 1") }
        var ids = Set<String>()
        for (index, entry) in models.enumerated() {
            let place = "\(source): models[\(index)]"
            if entry.model.isEmpty { throw ConfigurationError("\(place).model is empty") }
            for (key, value) in [
                ("kv_cache_tokens", entry.kvCacheTokens.map { $0 >= 16 }),
                ("max_running", entry.maxRunning.map { $0 >= 1 }),
                ("max_queue", entry.maxQueue.map { $0 >= 1 }),
                ("max_batch_tokens", entry.maxBatchTokens.map { $0 >= 1 }),
                ("threads", entry.threads.map { $0 >= 1 }),
            ] where value == false {
                throw ConfigurationError("\(place).\(key) is out of range")
            }
            for id in [entry.name].compactMap({ $0 }) + (entry.aliases ?? []) {
                guard ids.insert(id).inserted else {
                    throw ConfigurationError("\(place): the id '\(id)' is used twice")
                }
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing `\(path(context.codingPath + [key]))`"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "`\(path(context.codingPath))` has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "malformed JSON" : "`\(path(context.codingPath))` is invalid"
        @unknown default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
    }
}

/// A configuration problem, reported as is.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
