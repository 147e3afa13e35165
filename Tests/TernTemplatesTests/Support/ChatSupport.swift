import Testing

@testable import TernTemplates

/// A real chat template, as stored in the model's `tokenizer.chat_template`.
struct ChatTemplateSource: Sendable {
    let name: String
    let source: String
}

/// A conversation rendered with a real chat template, with jinja2's result.
struct ChatCase: Sendable, CustomTestStringConvertible {
    let name: String
    let template: ChatTemplateSource
    let bos: String
    let eos: String
    /// JSON arrays, parsed with order-preserving `TemplateValue(parsingJSON:)`.
    let messages: String
    let tools: String?
    let addGenerationPrompt: Bool
    /// A JSON object of extra variables.
    let extra: String
    let expected: Expected

    var testDescription: String { name }
}
