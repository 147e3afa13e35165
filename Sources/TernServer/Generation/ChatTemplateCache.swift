import Foundation
import TernTemplates

/// Compiled chat templates by model name, so a template is parsed once, not per request.
final class ChatTemplateCache: @unchecked Sendable {
    // Sendable: `templates` is guarded by `lock`.
    private let lock = NSLock()
    private var templates: [String: (source: String, template: Template)] = [:]

    /// The compiled template of `model`; recompiled when the model's source changed (a reload).
    func template(for model: String, source: String) throws(APIError) -> Template {
        if let cached = lock.withLock({ templates[model] }), cached.source == source {
            return cached.template
        }
        let template: Template
        do {
            template = try Template(source)
        } catch {
            throw ChatPrompt.templateError(error)
        }
        lock.withLock { templates[model] = (source, template) }
        return template
    }
}
