import TernSampling
import TernTemplates

/// One function tool of a request's `tools`.
struct ToolDefinition: Sendable, Equatable {
    /// Its position in `tools` (for error messages).
    var position: Int
    var name: String
    /// The parameters' JSON Schema, keys in the order the client sent them (an empty object
    /// schema when the tool has none).
    var parameters: TemplateValue
    /// The tool as chat templates and the fallback prompt show it:
    /// `{"type": "function", "function": {"name", "description"?, "parameters"}}`.
    var templateValue: TemplateValue
}

/// `tool_choice`.
enum ToolChoice: Equatable, Sendable {
    /// Answer in text only.
    case none
    /// Text or calls, as the model decides.
    case auto
    /// At least one call of any tool.
    case required
    /// One call of this function.
    case function(String)
}

extension ToolChoice {
    /// Whether one named function must be called.
    var isNamed: Bool {
        if case .function = self { return true }
        return false
    }
}

/// A request's `tools`, `tool_choice` and `parallel_tool_calls`, validated.
struct ToolCalling: Sendable {
    /// OpenAI's and Friendli's limit.
    static let maxTools = 128

    var tools: [ToolDefinition]
    var choice: ToolChoice
    var parallel: Bool

    /// Whether this answer may call tools: the tools go into the prompt and the output is
    /// constrained to the tool-call format and parsed for calls.
    var isActive: Bool { !tools.isEmpty && choice != .none }

    /// Validates the three fields (values keep the key order the client sent).
    init(tools: TemplateValue?, choice: TemplateValue?, parallel: Bool?) throws(APIError) {
        self.tools = try Self.parseTools(tools)
        self.parallel = parallel ?? true
        self.choice = try Self.parseChoice(choice, tools: self.tools)
    }

    /// The output format of an answer that may call tools (only when ``isActive``).
    /// - Parameter whitespaceBetweenCalls: let whitespace separate calls, as models whose own
    ///   template shows tools write them; the fallback prompt asks for calls one right after another.
    func format(whitespaceBetweenCalls: Bool) throws(APIError) -> TaggedToolCalls {
        let spec: ConstraintSpec
        do {
            spec = try ConstraintSpec.toolCall(anyOf: callable.map { ($0.name, $0.parameters.jsonText) })
        } catch {
            throw APIError(grammar: error, param: "tools")
        }
        guard case .jsonSchema(let schema) = spec else {
            throw .internalError("a tool-call constraint is not a JSON schema")
        }
        // A named function is called once; otherwise `parallel_tool_calls` decides.
        return TaggedToolCalls(
            callSchema: schema, allowsText: choice == .auto, allowsSeveral: parallel && !choice.isNamed,
            whitespaceBetweenCalls: whitespaceBetweenCalls)
    }

    /// The tools a format's grammar covers, for error messages.
    var callable: [ToolDefinition] {
        if case .function(let name) = choice { return tools.filter { $0.name == name } }
        return tools
    }

    // MARK: - Parsing

    static func parseTools(_ value: TemplateValue?) throws(APIError) -> [ToolDefinition] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else {
            throw .badRequest("'tools' has the wrong type: expected an array of tools", param: "tools")
        }
        guard items.count <= maxTools else {
            throw .invalid("'tools' has \(items.count) tools; at most \(maxTools) are allowed", param: "tools")
        }
        var tools: [ToolDefinition] = []
        for (position, item) in items.enumerated() {
            let tool = try parseTool(item, position: position)
            if let earlier = tools.first(where: { $0.name == tool.name }) {
                throw .invalid(
                    "'tools[\(position)].function.name' repeats '\(tool.name)' (also tools[\(earlier.position)]); "
                        + "tool names must be unique", param: "tools[\(position)].function.name")
            }
            tools.append(tool)
        }
        return tools
    }

    private static func parseTool(_ item: TemplateValue, position: Int) throws(APIError) -> ToolDefinition {
        let param = "tools[\(position)]"
        guard case .object(let tool) = item else {
            throw .badRequest("'\(param)' has the wrong type: expected an object", param: param)
        }
        switch tool["type"] {
        case nil, .null?, .string("function")?: break
        case .string(let other)?:
            throw .unsupported(
                "'\(param).type' is '\(other)'; only \"function\" tools are supported", param: "\(param).type")
        default:
            throw .badRequest("'\(param).type' has the wrong type: expected a string", param: "\(param).type")
        }
        guard case .object(let function)? = tool["function"] else {
            if tool["function"] == nil || tool["function"] == .null {
                throw .invalid("'\(param).function' is required", param: "\(param).function", code: "missing_field")
            }
            throw .badRequest("'\(param).function' has the wrong type: expected an object", param: "\(param).function")
        }
        guard case .string(let name)? = function["name"] else {
            throw .invalid(
                "'\(param).function.name' is required and must be a string", param: "\(param).function.name",
                code: "missing_field")
        }
        guard isValidName(name) else {
            throw .invalid(
                "'\(param).function.name' is '\(name)'; a function name is 1 to 64 letters, digits, '_' or '-'",
                param: "\(param).function.name")
        }
        switch function["description"] {
        case nil, .null?, .string?: break
        default:
            throw .badRequest(
                "'\(param).function.description' has the wrong type: expected a string",
                param: "\(param).function.description")
        }
        switch function["strict"] {
        case nil, .null?, .bool?: break
        default:
            throw .badRequest(
                "'\(param).function.strict' has the wrong type: expected a boolean", param: "\(param).function.strict")
        }
        let parameters: TemplateValue
        switch function["parameters"] {
        case nil, .null?:
            parameters = .object(TemplateObject([("type", "object"), ("properties", .object(TemplateObject()))]))
        case .object(var schema)?:
            // Arguments are always a JSON object: a schema that leaves the type open gets it.
            switch schema["type"] {
            case nil: schema["type"] = "object"
            case .string("object")?: break
            case .array(let types)? where types.contains("object"): schema["type"] = "object"
            default:
                throw .invalid(
                    "'\(param).function.parameters' must describe an object (its 'type' must be \"object\")",
                    param: "\(param).function.parameters")
            }
            parameters = .object(schema)
        default:
            throw .badRequest(
                "'\(param).function.parameters' has the wrong type: expected a JSON Schema object",
                param: "\(param).function.parameters")
        }
        var shown = TemplateObject()
        shown["name"] = .string(name)
        if case .string(let description)? = function["description"] { shown["description"] = .string(description) }
        shown["parameters"] = parameters
        return ToolDefinition(
            position: position, name: name, parameters: parameters,
            templateValue: .object(TemplateObject([("type", "function"), ("function", .object(shown))])))
    }

    private static func parseChoice(_ value: TemplateValue?, tools: [ToolDefinition]) throws(APIError) -> ToolChoice {
        let choice: ToolChoice
        switch value {
        case nil, .null?: return tools.isEmpty ? .none : .auto
        case .string("none")?: choice = .none
        case .string("auto")?: choice = .auto
        case .string("required")?: choice = .required
        case .string(let other)?:
            throw .invalid(
                "'tool_choice' is '\(other)'; expected \"none\", \"auto\", \"required\" or "
                    + "{\"type\": \"function\", \"function\": {\"name\": ...}}", param: "tool_choice")
        case .object(let object)?:
            if let type = object["type"], type != .string("function") {
                throw .invalid("'tool_choice.type' must be \"function\"", param: "tool_choice.type")
            }
            guard case .string(let name)? = object["function"]?["name"] else {
                throw .invalid(
                    "'tool_choice.function.name' is required when 'tool_choice' is an object",
                    param: "tool_choice.function.name", code: "missing_field")
            }
            guard tools.contains(where: { $0.name == name }) else {
                let names = tools.map(\.name).joined(separator: ", ")
                throw .invalid(
                    "'tool_choice' names the function '\(name)', which is not in 'tools'"
                        + (tools.isEmpty ? "" : " (\(names))"), param: "tool_choice.function.name")
            }
            choice = .function(name)
        default:
            throw .badRequest(
                "'tool_choice' has the wrong type: expected a string or an object", param: "tool_choice")
        }
        if tools.isEmpty, choice == .required {
            throw .invalid("'tool_choice' is \"required\" but 'tools' is empty", param: "tool_choice")
        }
        return choice
    }

    private static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x5F || byte == 0x2D
            }
    }
}
