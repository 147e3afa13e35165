import Hummingbird
import TernTemplates

/// Re-reads the request fields whose key order matters from the raw body. `JSONDecoder` does not
/// keep the order of object keys, but a JSON schema's `properties` are generated in the order the
/// client wrote them, and templates print tools and call arguments in it (as Python does).
enum OrderedFields {
    /// `response_format`, `tools`, `tool_choice` and the messages' `tool_calls` of a chat body,
    /// replaced by order-keeping copies (the body is parsed again only when one is present).
    static func restore(_ body: inout ChatCompletionBody, from buffer: ByteBuffer) throws(APIError) {
        let hasToolCalls = body.messages.contains { $0.toolCalls != nil && $0.toolCalls != .null }
        guard hasToolCalls || isSet(body.generation.responseFormat) || isSet(body.generation.tools) else { return }
        let document = try parse(buffer)
        restore(&body.generation, from: document)
        restoreToolCalls(&body.messages, from: document)
    }

    /// The same for a `/chat/render` body (`tools` and the messages' `tool_calls`).
    static func restore(_ body: inout ChatRenderBody, from buffer: ByteBuffer) throws(APIError) {
        let hasToolCalls = body.messages.contains { $0.toolCalls != nil && $0.toolCalls != .null }
        guard hasToolCalls || isSet(body.tools) else { return }
        let document = try parse(buffer)
        body.tools = document["tools"]
        restoreToolCalls(&body.messages, from: document)
    }

    /// The same for a completions body (`response_format`).
    static func restore(_ body: inout CompletionBody, from buffer: ByteBuffer) throws(APIError) {
        guard isSet(body.generation.responseFormat) else { return }
        restore(&body.generation, from: try parse(buffer))
    }

    private static func restore(_ generation: inout GenerationFields, from document: TemplateObject) {
        generation.responseFormat = document["response_format"]
        generation.tools = document["tools"]
        generation.toolChoice = document["tool_choice"]
    }

    private static func restoreToolCalls(_ messages: inout [ChatMessage], from document: TemplateObject) {
        guard case .array(let ordered)? = document["messages"], ordered.count == messages.count else { return }
        for index in messages.indices where messages[index].toolCalls != nil {
            messages[index].toolCalls = ordered[index]["tool_calls"]
        }
    }

    private static func isSet(_ value: TemplateValue?) -> Bool {
        value != nil && value != .null
    }

    private static func parse(_ buffer: ByteBuffer) throws(APIError) -> TemplateObject {
        do {
            guard case .object(let object) = try TemplateValue(parsingJSON: String(buffer: buffer)) else {
                throw APIError.badRequest("the request body must be a JSON object")
            }
            return object
        } catch let error as APIError {
            throw error
        } catch {
            throw .badRequest("the request body is not valid JSON: \(error)")
        }
    }
}
