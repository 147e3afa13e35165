import TernSampling
import TernTemplates

/// How tools and tool-call history reach a chat template that has no tool support of its own
/// (it ignores the `tools` variable), such as SmolLM2's: as plain text in the Hermes format the
/// output grammar uses.
///
/// - The tools are listed in a system prompt (appended to the conversation's first system
///   message, or a new first message), one JSON object per line, with the instruction to answer
///   with `<tool_call>{"name": …, "arguments": {…}}</tool_call>`.
/// - An assistant message's `tool_calls` become that markup after its text.
/// - Tool results (`role: "tool"`) become a user message of `<tool_response>` blocks (consecutive
///   results share one message, so templates that want alternating roles still render).
enum ToolPrompt {
    /// The system prompt listing `tools` for a request whose `tool_choice` is `choice`.
    static func systemPrompt(tools: [ToolDefinition], choice: ToolChoice, parallel: Bool) -> String {
        var lines = [
            "# Tools",
            "",
            "You can call the following tools (functions). Each is described by a JSON object:",
        ]
        lines += tools.map(\.templateValue.jsonText)
        lines += [
            "",
            "To call a tool, answer with a JSON object holding the tool's name and its arguments inside "
                + "\(TaggedToolCalls.openTag)\(TaggedToolCalls.closeTag) tags:",
            "\(TaggedToolCalls.openTag){\"name\": \"<tool name>\", \"arguments\": {<arguments as JSON>}}"
                + TaggedToolCalls.closeTag,
        ]
        switch choice {
        case .function(let name):
            lines.append("You must call the tool \"\(name)\" now, exactly once.")
        case .required:
            lines.append("You must call at least one tool now.")
        case .auto, .none:
            lines.append("If no tool is needed, answer the user directly instead.")
        }
        if parallel, !choice.isNamed {
            lines.append(
                "To call several tools, write their \(TaggedToolCalls.openTag) blocks right after each other.")
        }
        lines.append("Tool results are given back to you inside <tool_response></tool_response> tags.")
        return lines.joined(separator: "\n")
    }

    /// `messages` (as ``ChatPrompt/templateMessages(_:)`` made them) rewritten for a template
    /// without tool support, with the tool system prompt when `tools` is given.
    static func fallbackMessages(_ messages: [TemplateValue], tools: ToolCalling?) throws(APIError) -> [TemplateValue] {
        var result: [TemplateValue] = []
        var names: [String: String] = [:]
        var afterToolResult = false
        for (index, message) in messages.enumerated() {
            guard case .object(var object) = message else { continue }
            switch object["role"] {
            case .string("assistant")?:
                guard let calls = object["tool_calls"], calls != .null else { break }
                let markup = try callMarkup(calls, param: "messages[\(index)].tool_calls", names: &names)
                let text = object["content"]?.stringValue ?? ""
                object["content"] = .string(text.isEmpty ? markup : text + "\n" + markup)
                object["tool_calls"] = nil
            case .string("tool")?:
                let block = responseBlock(object, names: names)
                if afterToolResult, case .object(var previous)? = result.last {
                    previous["content"] = .string((previous["content"]?.stringValue ?? "") + "\n" + block)
                    result[result.count - 1] = .object(previous)
                } else {
                    result.append(.object(TemplateObject([("role", "user"), ("content", .string(block))])))
                }
                afterToolResult = true
                continue
            default:
                break
            }
            afterToolResult = false
            result.append(.object(object))
        }
        guard let tools, tools.isActive else { return result }
        let prompt = systemPrompt(tools: tools.tools, choice: tools.choice, parallel: tools.parallel)
        if case .object(var first)? = result.first, first["role"] == .string("system") {
            let existing = first["content"]?.stringValue ?? ""
            first["content"] = .string(existing.isEmpty ? prompt : existing + "\n\n" + prompt)
            result[0] = .object(first)
        } else {
            result.insert(.object(TemplateObject([("role", "system"), ("content", .string(prompt))])), at: 0)
        }
        return result
    }

    /// An assistant's `tool_calls` as `<tool_call>` blocks; records each call id's function name.
    private static func callMarkup(_ calls: TemplateValue, param: String, names: inout [String: String])
        throws(APIError) -> String
    {
        guard case .array(let list) = calls else {
            throw .badRequest("'\(param)' has the wrong type: expected an array", param: param)
        }
        var blocks: [String] = []
        for (index, call) in list.enumerated() {
            guard case .string(let name)? = call["function"]?["name"] else {
                throw .invalid(
                    "'\(param)[\(index)].function.name' is required", param: "\(param)[\(index)].function.name",
                    code: "missing_field")
            }
            if case .string(let id)? = call["id"] { names[id] = name }
            let arguments = ChatPrompt.parsedArguments(call["function"]?["arguments"])
            let body = TemplateValue.object(TemplateObject([("name", .string(name)), ("arguments", arguments)]))
            blocks.append(TaggedToolCalls.openTag + body.jsonText + TaggedToolCalls.closeTag)
        }
        return blocks.joined(separator: "\n")
    }

    /// A tool result as a `<tool_response>` block naming the function it answers.
    private static func responseBlock(_ message: TemplateObject, names: [String: String]) -> String {
        var response = TemplateObject()
        let id = message["tool_call_id"]?.stringValue
        if let name = message["name"]?.stringValue ?? id.flatMap({ names[$0] }) {
            response["name"] = .string(name)
        }
        let content = message["content"]?.stringValue ?? ""
        response["content"] = (try? TemplateValue(parsingJSON: content)) ?? .string(content)
        return "<tool_response>\n\(TemplateValue.object(response).jsonText)\n</tool_response>"
    }
}
