/// Everything that can go wrong while compiling or rendering a template.
public enum TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template text is not valid Jinja. Line and column are 1-based.
    case syntax(message: String, line: Int, column: Int)
    /// Evaluation failed (undefined value used, wrong type, unknown filter...). `line` is the line
    /// of the statement being executed, 0 when unknown.
    case runtime(message: String, line: Int)
    /// The template called `raise_exception(message)`, as chat templates do to reject a conversation.
    case raised(message: String)
    /// Rendering hit one of the ``RenderLimits`` (output size, steps, nesting depth).
    case limitExceeded(message: String, line: Int)
    /// Text given to ``TemplateValue/init(parsingJSON:)`` is not valid JSON. `offset` is in
    /// UTF-8 bytes from the start.
    case invalidJSON(message: String, offset: Int)

    public var description: String {
        switch self {
        case .syntax(let message, let line, let column):
            "template syntax error at line \(line), column \(column): \(message)"
        case .runtime(let message, let line):
            line > 0 ? "template error at line \(line): \(message)" : "template error: \(message)"
        case .raised(let message):
            message
        case .limitExceeded(let message, let line):
            line > 0 ? "template limit exceeded at line \(line): \(message)" : "template limit exceeded: \(message)"
        case .invalidJSON(let message, let offset):
            "invalid JSON at offset \(offset): \(message)"
        }
    }

    /// A runtime error without a line yet; the interpreter fills in the statement's line.
    static func runtime(_ message: String) -> TemplateError {
        .runtime(message: message, line: 0)
    }

    /// The same error, located at `line` if it has no line of its own yet.
    func located(at line: Int) -> TemplateError {
        switch self {
        case .runtime(let message, 0): .runtime(message: message, line: line)
        case .limitExceeded(let message, 0): .limitExceeded(message: message, line: line)
        default: self
        }
    }
}
