import TernTemplates

/// The body of `POST /v1/chat/completions` (and `/chat/render`, which reads only the first fields).
struct ChatCompletionBody: Decodable {
    var model: String?
    var messages: [ChatMessage]
    var chatTemplateKwargs: [String: TemplateValue]?
    /// Chat `logprobs` is a boolean; `top_logprobs` asks for alternatives.
    var logprobs: Bool?
    var topLogprobs: Int?
    var generation: GenerationFields

    enum CodingKeys: String, CodingKey {
        case model
        case messages
        case chatTemplateKwargs = "chat_template_kwargs"
        case logprobs
        case topLogprobs = "top_logprobs"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        messages = try container.decode([ChatMessage].self, forKey: .messages)
        chatTemplateKwargs = try container.decodeIfPresent([String: TemplateValue].self, forKey: .chatTemplateKwargs)
        logprobs = try container.decodeIfPresent(Bool.self, forKey: .logprobs)
        topLogprobs = try container.decodeInteger(forKey: .topLogprobs)
        generation = try GenerationFields(from: decoder)
    }
}

/// The body of `POST /v1/chat/render`.
struct ChatRenderBody: Decodable {
    var model: String?
    var messages: [ChatMessage]
    var chatTemplateKwargs: [String: TemplateValue]?
    var tools: TemplateValue?

    enum CodingKeys: String, CodingKey {
        case model
        case messages
        case chatTemplateKwargs = "chat_template_kwargs"
        case tools
    }
}

/// One conversation message. Roles: `system`, `developer` (treated as `system`), `user`,
/// `assistant`, `tool`; checked when the prompt is built.
struct ChatMessage: Decodable {
    var role: String
    var content: MessageContent
    var name: String?
    /// An assistant's earlier tool calls, passed to the template unchanged.
    var toolCalls: TemplateValue?
    var toolCallID: String?
    var reasoningContent: String?

    enum CodingKeys: String, CodingKey {
        case role
        case content
        case name
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
        case reasoningContent = "reasoning_content"
        case reasoning
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        content = try container.decodeIfPresent(MessageContent.self, forKey: .content) ?? .none
        name = try container.decodeIfPresent(String.self, forKey: .name)
        toolCalls = try container.decodeIfPresent(TemplateValue.self, forKey: .toolCalls)
        toolCallID = try container.decodeIfPresent(String.self, forKey: .toolCallID)
        reasoningContent =
            try container.decodeIfPresent(String.self, forKey: .reasoningContent)
            ?? container.decodeIfPresent(String.self, forKey: .reasoning)
    }
}

/// A message's `content`: a string, an array of typed parts, or nothing.
enum MessageContent: Decodable, Equatable {
    case none
    case text(String)
    case parts([ContentPart])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .none
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let parts = try? container.decode([ContentPart].self) {
            self = .parts(parts)
        } else {
            throw DecodingError.typeMismatch(
                String.self,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a string or an array of {\"type\": \"text\", \"text\": ...} parts"))
        }
    }
}

/// One part of an array `content`; only `text` parts are supported so far.
struct ContentPart: Decodable, Equatable {
    var type: String
    var text: String?
}
