import Foundation
import TernEngine

/// The models the server routes to, by name or alias. It starts empty so the HTTP server can
/// listen (and answer `/health` with 503) while models load; ``add(_:)`` makes them servable.
public final class ModelRegistry: @unchecked Sendable {
    // Sendable: all state is guarded by `lock`.
    private let lock = NSLock()
    private var models: [any ServedModel] = []
    private var loading = true
    private let expectedModels: Int

    /// A registry with `models` already servable.
    public init(models: [any ServedModel] = []) {
        self.models = models
        expectedModels = 1
        loading = models.isEmpty
    }

    /// An empty registry that counts as loading until `expectedModels` models were added (or
    /// `finishLoading` is called), so `/health` turns 200 only when every configured model serves.
    public init(expectedModels: Int) {
        self.expectedModels = max(1, expectedModels)
    }

    /// Serves `model` from now on. A model whose name or alias is taken replaces the older one.
    public func add(_ model: any ServedModel) {
        let names = Set(Self.names(of: model))
        lock.withLock {
            models.removeAll { !Set(Self.names(of: $0)).isDisjoint(with: names) }
            models.append(model)
            if models.count >= expectedModels { loading = false }
        }
    }

    /// Stops routing to the model named `name`; returns it so the caller can shut it down.
    @discardableResult
    public func remove(named name: String) -> (any ServedModel)? {
        lock.withLock {
            guard let index = models.firstIndex(where: { Self.names(of: $0).contains(name) }) else { return nil }
            return models.remove(at: index)
        }
    }

    /// Marks loading as finished even if no model was added (health then reports why).
    public func finishLoading() {
        lock.withLock { loading = false }
    }

    /// Every served model, in the order they were added.
    public var all: [any ServedModel] {
        lock.withLock { models }
    }

    /// Whether loading is over and at least one model is servable.
    public var isReady: Bool {
        lock.withLock { !models.isEmpty && !loading }
    }

    /// Whether models are still being loaded.
    public var isLoading: Bool {
        lock.withLock { loading }
    }

    /// The model a request names. `nil` or an empty name picks the only served model.
    /// - Throws: 404 for an unknown name; 422 when no name was given and several models are served;
    ///   503 while nothing is loaded.
    func resolve(_ name: String?) throws(APIError) -> any ServedModel {
        let models = all
        guard !models.isEmpty else {
            throw .unavailable("no model is loaded yet; retry shortly", retryAfterSeconds: 5)
        }
        guard let name, !name.isEmpty else {
            if models.count == 1 { return models[0] }
            throw .invalid(
                "'model' is required when several models are served (\(models.map(\.description.name).joined(separator: ", ")))",
                param: "model", code: "missing_field")
        }
        if let match = models.first(where: { Self.names(of: $0).contains(name) }) {
            return match
        }
        throw .modelNotFound(name, available: models.map(\.description.name))
    }

    private static func names(of model: any ServedModel) -> [String] {
        model.description.ids
    }
}
