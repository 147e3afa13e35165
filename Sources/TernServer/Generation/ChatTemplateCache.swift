import Foundation
import TernEngine
import TernTemplates

/// Compiled chat templates by model name, so a template is parsed once, not per request.
final class ChatTemplateCache: @unchecked Sendable {
    // Sendable: `renderers` is guarded by `lock`.
    private let lock = NSLock()
    private var renderers: [String: (description: ModelDescription, renderer: ChatTemplateRenderer)] = [:]

    /// The renderer of `model`'s template (`source`); rebuilt when the model changed (a reload).
    func renderer(for model: ModelDescription, source: String) throws(APIError) -> ChatTemplateRenderer {
        if let cached = lock.withLock({ renderers[model.name] }), cached.description == model {
            return cached.renderer
        }
        let renderer: ChatTemplateRenderer
        do {
            renderer = try ChatTemplateRenderer(template: source, bosToken: model.bosToken, eosToken: model.eosToken)
        } catch {
            throw ChatPrompt.templateError(error)
        }
        lock.withLock { renderers[model.name] = (model, renderer) }
        return renderer
    }
}
