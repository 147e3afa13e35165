extension ConstraintSpec {
    /// A forced call of one function: the JSON object `{"name": "<name>", "arguments": {...}}`
    /// whose arguments satisfy the function's parameters schema.
    /// - Parameter parametersSchema: the tool's `parameters` (JSON Schema text). Its local
    ///   `$ref`s keep working: they are rewritten to point into the combined schema.
    public static func toolCall(name: String, parametersSchema: String) throws(GrammarError) -> ConstraintSpec {
        try toolCall(anyOf: [(name, parametersSchema)])
    }

    /// A call of any one of `tools` (`tool_choice: "required"`), in the same shape.
    public static func toolCall(anyOf tools: [(name: String, parametersSchema: String)]) throws(GrammarError)
        -> ConstraintSpec
    {
        guard !tools.isEmpty else { throw .invalidSchema(pointer: "", reason: "no tools to call") }
        var branches: [JSONValue] = []
        for (index, tool) in tools.enumerated() {
            let parameters: JSONValue
            do {
                parameters = try JSONReader.parse(tool.parametersSchema)
            } catch {
                throw .invalidJSON(offset: error.offset, reason: "parameters of '\(tool.name)': \(error.reason)")
            }
            let base = tools.count == 1 ? "#/properties/arguments" : "#/anyOf/\(index)/properties/arguments"
            var embedded = ToolSchemaRewriter(base: base).rewrite(parameters)
            if case .object(let members) = embedded {
                embedded = .object(members.filter { $0.key != "$id" && $0.key != "$schema" })
            }
            branches.append(
                .object([
                    ("type", .string("object")),
                    (
                        "properties",
                        .object([("name", .object([("const", .string(tool.name))])), ("arguments", embedded)])
                    ),
                    ("required", .array([.string("name"), .string("arguments")])),
                    ("additionalProperties", .bool(false)),
                ]))
        }
        let schema: JSONValue = branches.count == 1 ? branches[0] : .object([("anyOf", .array(branches))])
        return .jsonSchema(schema.serialized)
    }
}

/// Prefixes local `$ref`s with the location a schema is embedded at, touching only schema
/// positions (never `const`, `enum`, `default` or `examples` values).
struct ToolSchemaRewriter {
    let base: String

    func rewrite(_ schema: JSONValue) -> JSONValue {
        guard case .object(let members) = schema else { return schema }
        return .object(
            members.map { key, value in
                switch key {
                case "$ref":
                    if case .string(let target) = value, target.hasPrefix("#") {
                        return (key, .string(base + target.dropFirst()))
                    }
                    return (key, value)
                case "properties", "$defs", "definitions", "patternProperties", "dependentSchemas":
                    guard case .object(let entries) = value else { return (key, value) }
                    return (key, .object(entries.map { ($0.key, rewrite($0.value)) }))
                case "items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames",
                    "unevaluatedItems", "unevaluatedProperties", "additionalItems":
                    if case .array(let list) = value { return (key, .array(list.map(rewrite))) }
                    return (key, rewrite(value))
                case "prefixItems", "anyOf", "oneOf", "allOf":
                    guard case .array(let list) = value else { return (key, value) }
                    return (key, .array(list.map(rewrite)))
                default:
                    return (key, value)
                }
            })
    }
}
