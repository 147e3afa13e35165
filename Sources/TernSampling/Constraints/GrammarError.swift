/// Why a constraint could not be compiled. Every case names what is wrong and where, so the
/// server can answer 422 with a message the user can act on; nothing is ever skipped silently.
public enum GrammarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The schema text is not valid JSON.
    case invalidJSON(offset: Int, reason: String)
    /// A JSON Schema keyword Tern does not enforce (e.g. `not`, `patternProperties`).
    case unsupportedKeyword(keyword: String, pointer: String)
    /// A supported keyword used in a way Tern does not enforce (e.g. `format: "uri"`).
    case unsupportedValue(keyword: String, pointer: String, reason: String)
    /// The schema is malformed (e.g. `"required": 3`).
    case invalidSchema(pointer: String, reason: String)
    /// A `$ref` that does not point into this document.
    case unresolvedReference(ref: String, pointer: String)
    /// No JSON value can satisfy the schema (e.g. `"enum": []`, a required property that is `false`).
    case unsatisfiable(pointer: String, reason: String)
    /// The regex is not valid (offset counts Unicode scalars).
    case invalidRegex(offset: Int, reason: String)
    /// The regex uses a construct outside the supported subset (anchors, look-arounds, back-references…).
    case unsupportedRegex(offset: Int, construct: String)
    /// A size limit was exceeded while compiling; the message names the limit.
    case tooComplex(String)

    public var description: String {
        switch self {
        case .invalidJSON(let offset, let reason):
            return "schema is not valid JSON at byte \(offset): \(reason)"
        case .unsupportedKeyword(let keyword, let pointer):
            return "unsupported JSON Schema keyword '\(keyword)' at \(Self.show(pointer))"
        case .unsupportedValue(let keyword, let pointer, let reason):
            return "unsupported use of '\(keyword)' at \(Self.show(pointer)): \(reason)"
        case .invalidSchema(let pointer, let reason):
            return "invalid schema at \(Self.show(pointer)): \(reason)"
        case .unresolvedReference(let ref, let pointer):
            return "cannot resolve $ref '\(ref)' at \(Self.show(pointer)) (only local references are supported)"
        case .unsatisfiable(let pointer, let reason):
            return "schema at \(Self.show(pointer)) can never be satisfied: \(reason)"
        case .invalidRegex(let offset, let reason):
            return "invalid regex at position \(offset): \(reason)"
        case .unsupportedRegex(let offset, let construct):
            return "unsupported regex construct at position \(offset): \(construct)"
        case .tooComplex(let limit):
            return "constraint too complex: \(limit)"
        }
    }

    private static func show(_ pointer: String) -> String { "#" + pointer }
}
