import TernSampling
import TernTemplates

/// A request's `response_format`, validated: free text, or a constraint every answer follows.
enum ResponseFormat: Equatable {
    /// `{"type": "text"}` or no format.
    case text
    /// `json_object`, `json_schema` or `regex`; `param` is the field holding the schema or regex
    /// (named in compile errors).
    case constrained(ConstraintSpec, param: String)

    /// Parses the field (keys in the order the client sent them: properties are generated in
    /// schema order). Shapes:
    /// - `{"type": "json_object"}`, and the older `{"type": "json_object", "schema": "<schema text>"}`;
    /// - `{"type": "json_schema", "json_schema": {"name"?, "schema", "strict"?, "description"?}}`;
    /// - `{"type": "regex", "schema": "<regex>"}` (Friendli's).
    init(_ value: TemplateValue?) throws(APIError) {
        guard let value, value != .null else {
            self = .text
            return
        }
        guard case .object(let format) = value else {
            throw .badRequest("'response_format' has the wrong type: expected an object", param: "response_format")
        }
        let type: String
        switch format["type"] {
        case .string(let name)?: type = name
        case nil, .null?:
            throw .invalid(
                "'response_format.type' is required", param: "response_format.type", code: "missing_field")
        default:
            throw .badRequest(
                "'response_format.type' has the wrong type: expected a string", param: "response_format.type")
        }
        switch type {
        case "text":
            self = .text
        case "json_object":
            switch format["schema"] {
            case nil, .null?: self = .constrained(.jsonObject, param: "response_format")
            case .string(let schema)?: self = .constrained(.jsonSchema(schema), param: "response_format.schema")
            case .object?, .bool?:
                self = .constrained(.jsonSchema(format["schema"]!.jsonText), param: "response_format.schema")
            default:
                throw .badRequest(
                    "'response_format.schema' has the wrong type: expected a JSON Schema",
                    param: "response_format.schema")
            }
        case "json_schema":
            self = try Self.jsonSchema(format["json_schema"])
        case "regex":
            guard case .string(let pattern)? = format["schema"] else {
                throw .invalid(
                    "'response_format.schema' is required for the regex format and must be a string (the regex)",
                    param: "response_format.schema", code: "missing_field")
            }
            self = .constrained(.regex(pattern), param: "response_format.schema")
        default:
            throw .invalid(
                "'response_format.type' is '\(type)'; expected \"text\", \"json_object\", \"json_schema\" or \"regex\"",
                param: "response_format.type")
        }
    }

    private static func jsonSchema(_ value: TemplateValue?) throws(APIError) -> ResponseFormat {
        let param = "response_format.json_schema"
        guard case .object(let wrapper)? = value else {
            if value == nil || value == .null {
                throw .invalid(
                    "'\(param)' is required for the json_schema format: {\"name\": ..., \"schema\": {...}}",
                    param: param, code: "missing_field")
            }
            throw .badRequest("'\(param)' has the wrong type: expected an object", param: param)
        }
        for (key, expected) in [("name", "a string"), ("description", "a string"), ("strict", "a boolean")] {
            switch (key, wrapper[key]) {
            case (_, nil), (_, .null?), ("name", .string?), ("description", .string?), ("strict", .bool?): continue
            default:
                throw .badRequest(
                    "'\(param).\(key)' has the wrong type: expected \(expected)", param: "\(param).\(key)")
            }
        }
        // `strict: false` still enforces the schema: Tern never returns output that does not match.
        switch wrapper["schema"] {
        case .object?, .bool?:
            return .constrained(.jsonSchema(wrapper["schema"]!.jsonText), param: "\(param).schema")
        case .string(let text)?:
            return .constrained(.jsonSchema(text), param: "\(param).schema")
        case nil, .null?:
            throw .invalid("'\(param).schema' is required", param: "\(param).schema", code: "missing_field")
        default:
            throw .badRequest(
                "'\(param).schema' has the wrong type: expected a JSON Schema object", param: "\(param).schema")
        }
    }
}
