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

/// A conversation rendered with one of the 31 extra real templates of `.jinja2-reference/corpus.json`.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Index into `CorpusCase.sources`.
    let source: Int
    let messages: String
    let tools: String?
    let addGenerationPrompt: Bool
    let expected: Expected

    var testDescription: String { name }
}

/// Renders a conversation with `renderer` and checks the outcome against jinja2's.
func expectChatRendering(
    _ renderer: ChatTemplateRenderer, messages messagesJSON: String, tools toolsJSON: String?,
    addGenerationPrompt: Bool, extra: [String: TemplateValue] = [:], expected: Expected,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let messages = try #require(try TemplateValue(parsingJSON: messagesJSON).arrayValue, sourceLocation: sourceLocation)
    let tools = try toolsJSON.map { text throws(TemplateError) in try TemplateValue(parsingJSON: text).arrayValue ?? []
    }
    let result: Result<String, TemplateError>
    do throws(TemplateError) {
        result = .success(
            try renderer.render(
                messages: messages, addGenerationPrompt: addGenerationPrompt, tools: tools, extra: extra))
    } catch {
        result = .failure(error)
    }
    switch (expected, result) {
    case (.output(let text), .success(let output)):
        #expect(output == text, sourceLocation: sourceLocation)
    case (.raised(let message), .failure(.raised(let actual))):
        #expect(actual == message, sourceLocation: sourceLocation)
    default:
        Issue.record("expected \(expected), got \(result)", sourceLocation: sourceLocation)
    }
}
