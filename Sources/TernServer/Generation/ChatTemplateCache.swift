import Foundation
import TernEngine
import TernTemplates

/// Compiled chat templates by model name, so a template is parsed once, not per request.
final class ChatTemplateCache: @unchecked Sendable {
    // Sendable: `renderers` is guarded by `lock`.
    private let lock = NSLock()
    private var renderers: [String: (description: ModelDescription, renderer: ChatTemplateRenderer)] = [:]
    private var toolSupport: [String: (description: ModelDescription, supported: Bool)] = [:]
    /// A tool no template prints unless it prints the tools it is given.
    private static let probeName = "tern_probe_tool_5f1c2a"

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

    /// Whether `model`'s template shows the `tools` variable (found once per model by rendering a
    /// probe tool and looking for its name); if not, tools are shown by ``ToolPrompt``.
    func supportsTools(_ model: ModelDescription, renderer: ChatTemplateRenderer) -> Bool {
        if let cached = lock.withLock({ toolSupport[model.name] }), cached.description == model {
            return cached.supported
        }
        let probe: TemplateValue = [
            "type": "function",
            "function": ["name": .string(Self.probeName), "description": "", "parameters": ["type": "object"]],
        ]
        let rendered = try? renderer.render(
            messages: [["role": "user", "content": "Hello"]], addGenerationPrompt: true, tools: [probe])
        let supported = rendered?.contains(Self.probeName) == true
        lock.withLock { toolSupport[model.name] = (model, supported) }
        return supported
    }
}
