/// Turns a conversation into a prompt with a model's chat template (GGUF
/// `tokenizer.chat_template`), passing the variables transformers' `apply_chat_template` passes:
/// `messages`, `tools`, `documents`, `add_generation_prompt`, the special tokens, and any extras
/// (such as `enable_thinking` or `date_string`).
public struct ChatTemplateRenderer: Sendable {
    /// The compiled template.
    public let template: Template
    /// Passed to the template as `bos_token`.
    public let bosToken: String
    /// Passed to the template as `eos_token`.
    public let eosToken: String
    /// Limits and clock used for every render.
    public var options: RenderOptions

    /// Compiles `template`; throws ``TemplateError/syntax(message:line:column:)`` if it is invalid.
    public init(template: String, bosToken: String, eosToken: String, options: RenderOptions = RenderOptions())
        throws(TemplateError)
    {
        self.template = try Template(template)
        self.bosToken = bosToken
        self.eosToken = eosToken
        self.options = options
    }

    /// Renders the prompt for `messages` (objects with `role`, `content`, and optionally
    /// `tool_calls`, `tool_call_id`, `name`...). Like transformers, `tools` and `documents` are
    /// always defined: null when not given. `extra` can override any variable.
    public func render(
        messages: [TemplateValue], addGenerationPrompt: Bool, tools: [TemplateValue]? = nil,
        extra: [String: TemplateValue] = [:]
    ) throws(TemplateError) -> String {
        var context: [String: TemplateValue] = [
            "messages": .array(messages),
            "tools": tools.map(TemplateValue.array) ?? .null,
            "documents": .null,
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(bosToken),
            "eos_token": .string(eosToken),
        ]
        context.merge(extra) { _, new in new }
        return try template.render(context, options: options)
    }
}
