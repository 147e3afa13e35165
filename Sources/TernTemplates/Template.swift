/// A compiled Jinja template, rendered the way Hugging Face transformers renders chat templates:
/// jinja2 with `trim_blocks` and `lstrip_blocks`, the loop-controls extension, a sandbox that
/// blocks mutating methods, and `tojson`, `raise_exception` and `strftime_now` as transformers
/// defines them.
///
/// Compile once (per model) and render many times; rendering is thread-safe.
///
/// ```swift
/// let template = try Template("{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}")
/// let text = try template.render(["messages": [["role": "user", "content": "Hi"]]])
/// ```
public struct Template: Sendable {
    let nodes: [Node]
    /// Template-level names that start undefined even if the context has them (see
    /// `ScopeAnalysis`).
    let shadowedNames: Set<String>

    /// Compiles `source`, reporting syntax errors with their line and column.
    public init(_ source: String) throws(TemplateError) {
        (nodes, shadowedNames) = ScopeAnalysis.annotate(try Parser.parse(try Lexer.tokenize(source)))
    }

    /// Renders with `context` as the template's variables, default limits and the system clock.
    public func render(_ context: [String: TemplateValue]) throws(TemplateError) -> String {
        try render(context, options: RenderOptions())
    }

    /// Renders with `context` as the template's variables under `options`.
    public func render(_ context: [String: TemplateValue], options: RenderOptions) throws(TemplateError) -> String {
        try Interpreter(context: context, options: options, shadowing: shadowedNames).render(nodes)
    }
}
