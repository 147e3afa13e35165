import TernEngine
import TernTemplates
import TernTokenizers

/// Turns a conversation into prompt text through the model's chat template, and that text into
/// prompt tokens.
struct ChatPrompt {
    /// The rendered prompt.
    var text: String
    /// Its tokens, with exactly one BOS when the model wants one.
    var tokens: [Int32]
    /// Whether the model's own template showed the tools (rather than ``ToolPrompt``).
    var toolsInTemplate: Bool

    /// Renders and tokenizes `messages` for `model`, showing `tools` when the answer may call them.
    init(
        messages: [ChatMessage], kwargs: [String: TemplateValue]?, tools: ToolCalling? = nil, model: any ServedModel,
        templates: ChatTemplateCache
    ) throws(APIError) {
        (text, toolsInTemplate) = try Self.rendered(
            messages: messages, kwargs: kwargs, tools: tools, model: model, templates: templates)
        tokens = Self.tokenize(text, model: model)
    }

    /// The prompt text only (for `/chat/render`).
    static func render(
        messages: [ChatMessage], kwargs: [String: TemplateValue]?, tools: ToolCalling? = nil, model: any ServedModel,
        templates: ChatTemplateCache
    ) throws(APIError) -> String {
        try rendered(messages: messages, kwargs: kwargs, tools: tools, model: model, templates: templates).text
    }

    /// The prompt text, and whether the template showed the tools itself.
    ///
    /// Tools (when ``ToolCalling/isActive``) go to the template's `tools` variable if the template
    /// uses it, with earlier calls' `arguments` as JSON objects (as templates expect). Otherwise
    /// ``ToolPrompt`` shows the tools and the tool-call history as text.
    private static func rendered(
        messages: [ChatMessage], kwargs: [String: TemplateValue]?, tools: ToolCalling?, model: any ServedModel,
        templates: ChatTemplateCache
    ) throws(APIError) -> (text: String, toolsInTemplate: Bool) {
        let description = model.description
        guard let source = description.chatTemplate, !source.isEmpty else {
            throw .invalid(
                "model '\(description.name)' has no chat template, so it cannot answer chat requests; "
                    + "use /v1/completions with a plain prompt", param: "model", code: "no_chat_template")
        }
        let renderer = try templates.renderer(for: description, source: source)
        var messages = try templateMessages(messages)
        let tools = tools?.isActive == true ? tools : nil
        let native = templates.supportsTools(description, renderer: renderer)
        if native {
            messages = messages.map(withParsedArguments)
        } else {
            messages = try ToolPrompt.fallbackMessages(messages, tools: tools)
        }
        // Extra variables (e.g. `enable_thinking`); they may not replace the conversation itself.
        let extra = (kwargs ?? [:]).filter { $0.key != "messages" && $0.key != "tools" }
        do {
            let text = try renderer.render(
                messages: messages, addGenerationPrompt: true,
                tools: native ? tools?.tools.map(\.templateValue) : nil, extra: extra)
            return (text, native)
        } catch {
            throw templateError(error)
        }
    }

    /// A call's `arguments` as templates want them: the JSON object a string holds (keys in
    /// order), or the value itself when it is not JSON text.
    static func parsedArguments(_ arguments: TemplateValue?) -> TemplateValue {
        switch arguments {
        case .string(let text)?: (try? TemplateValue(parsingJSON: text)) ?? .string(text)
        case nil, .null?: .object(TemplateObject())
        case let value?: value
        }
    }

    /// An assistant message whose calls carry parsed `arguments`.
    private static func withParsedArguments(_ message: TemplateValue) -> TemplateValue {
        guard case .object(var object) = message, case .array(let calls)? = object["tool_calls"] else { return message }
        object["tool_calls"] = .array(
            calls.map { call in
                guard case .object(var call) = call, case .object(var function)? = call["function"] else { return call }
                function["arguments"] = parsedArguments(function["arguments"])
                call["function"] = .object(function)
                return .object(call)
            })
        return .object(object)
    }

    /// Tokenizes a rendered chat prompt. Special-token text (`<|im_start|>`) becomes control tokens.
    /// BOS is added when the model wants it, unless the template already printed it: a second BOS
    /// degrades answers (llama.cpp makes the same check).
    static func tokenize(_ text: String, model: any ServedModel) -> [Int32] {
        let tokenizer = model.tokenizer
        var tokens = tokenizer.encode(text, addSpecial: false, parseSpecial: true)
        let bosText = model.description.bosToken
        if tokenizer.addsBOS, let bos = tokenizer.bosTokenID, bosText.isEmpty || !text.hasPrefix(bosText) {
            tokens.insert(bos, at: 0)
        }
        return tokens
    }

    /// The messages as the template sees them: `content` always a string (text parts joined with
    /// newlines, for templates that expect strings), other fields only when present.
    static func templateMessages(_ messages: [ChatMessage]) throws(APIError) -> [TemplateValue] {
        guard !messages.isEmpty else {
            throw .invalid("'messages' must contain at least one message", param: "messages")
        }
        var result: [TemplateValue] = []
        for (index, message) in messages.enumerated() {
            let param = "messages[\(index)]"
            let role: String
            switch message.role {
            case "system", "developer": role = "system"
            case "user", "assistant", "tool": role = message.role
            default:
                throw .invalid(
                    "'\(param).role' is '\(message.role)'; expected system, user, assistant or tool",
                    param: "\(param).role")
            }
            var object = TemplateObject()
            object["role"] = .string(role)
            switch message.content {
            case .text(let text):
                object["content"] = .string(text)
            case .parts(let parts):
                object["content"] = .string(try joinedText(parts, param: "\(param).content"))
            case .none:
                guard role == "assistant", message.toolCalls != nil else {
                    throw .invalid("'\(param).content' is required for a \(role) message", param: "\(param).content")
                }
                object["content"] = .null
            }
            if let name = message.name { object["name"] = .string(name) }
            if let toolCalls = message.toolCalls, toolCalls != .null {
                guard role == "assistant" else {
                    throw .invalid(
                        "'\(param).tool_calls' is only allowed on assistant messages", param: "\(param).tool_calls")
                }
                object["tool_calls"] = toolCalls
            }
            if role == "tool" {
                guard let id = message.toolCallID else {
                    throw .invalid(
                        "'\(param).tool_call_id' is required for a tool message", param: "\(param).tool_call_id")
                }
                object["tool_call_id"] = .string(id)
            }
            if let reasoning = message.reasoningContent { object["reasoning_content"] = .string(reasoning) }
            result.append(.object(object))
        }
        return result
    }

    private static func joinedText(_ parts: [ContentPart], param: String) throws(APIError) -> String {
        var texts: [String] = []
        for (index, part) in parts.enumerated() {
            guard part.type == "text" else {
                throw .unsupported(
                    "content part type '\(part.type)' is not supported; only text parts are",
                    param: "\(param)[\(index)]")
            }
            guard let text = part.text else {
                throw .invalid("'\(param)[\(index)].text' is required", param: "\(param)[\(index)].text")
            }
            texts.append(text)
        }
        return texts.joined(separator: "\n")
    }

    /// A template failure is the conversation's fault as far as the client can tell (templates
    /// reject conversations with `raise_exception`), so it is a 422 carrying the template's message.
    static func templateError(_ error: any Error) -> APIError {
        let message: String
        if let error = error as? TemplateError {
            switch error {
            case .raised(let text): message = text
            default: message = "the chat template failed: \(error)"
            }
        } else {
            message = "the chat template failed: \(error)"
        }
        return .invalid(message, param: "messages", code: "template_error")
    }
}
