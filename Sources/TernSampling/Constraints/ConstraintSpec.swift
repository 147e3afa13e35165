/// What a generation must conform to (the API's `response_format` and forced tool calls).
public enum ConstraintSpec: Sendable, Equatable, Hashable {
    /// Any JSON object.
    case jsonObject
    /// A JSON value valid under the given JSON Schema (the schema as JSON text).
    case jsonSchema(String)
    /// Text that fully matches the regex (Python `re` syntax subset; `\d \w \s` are ASCII).
    case regex(String)
}
