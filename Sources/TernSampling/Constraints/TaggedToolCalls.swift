/// A chat answer that may call tools, in the Hermes format most open models use:
///
///     optional text<tool_call>{"name": "f", "arguments": {...}}</tool_call>
///
/// Each call is one JSON object (see ``ConstraintSpec/toolCall(anyOf:)``) between the tags, with at
/// most one JSON whitespace run (a space, or a newline and indentation) on either side of it.
/// Several calls follow each other directly, or separated by such whitespace when
/// ``whitespaceBetweenCalls`` is set. Nothing follows the last call.
public struct TaggedToolCalls: Sendable, Hashable {
    /// The tag that opens a call.
    public static let openTag = "<tool_call>"
    /// The tag that closes a call.
    public static let closeTag = "</tool_call>"

    /// The JSON Schema (as text) of one call object, e.g. from ``ConstraintSpec/toolCall(anyOf:)``.
    public var callSchema: String
    /// Whether free text may come first and the calls are optional (`tool_choice: "auto"`). The
    /// text never contains the open tag, so every open tag starts a call that is constrained.
    /// When false, the output is calls only, at least one (`"required"` or a named function).
    public var allowsText: Bool
    /// Whether several calls may follow each other (`parallel_tool_calls`); otherwise at most one.
    public var allowsSeveral: Bool
    /// Whether whitespace may separate calls (as models trained on the format write them). Without
    /// it a model that would rather write a newline and more text after a call ends instead.
    public var whitespaceBetweenCalls: Bool

    /// - Parameters:
    ///   - callSchema: the schema of one call object.
    ///   - allowsText: free text first and calls optional, or calls only.
    ///   - allowsSeveral: several calls, or at most one.
    ///   - whitespaceBetweenCalls: whether whitespace may separate calls.
    public init(callSchema: String, allowsText: Bool, allowsSeveral: Bool, whitespaceBetweenCalls: Bool = true) {
        self.callSchema = callSchema
        self.allowsText = allowsText
        self.allowsSeveral = allowsSeveral
        self.whitespaceBetweenCalls = whitespaceBetweenCalls
    }
}

extension CompiledGrammar {
    /// Compiles the tool-call format `spec` describes; errors name what in the call schema is
    /// not supported, exactly as for a JSON Schema constraint.
    public init(_ spec: TaggedToolCalls) throws(GrammarError) {
        var compiler = try JSONSchemaCompiler(schemaText: spec.callSchema)
        let callRule = try compiler.compileRoot()
        let ws = try compiler.json.whitespace()
        var ir = compiler.json.ir
        let callObject = try ir.call(callRule)
        let call = try ir.sequence([
            try ir.literal(TaggedToolCalls.openTag), ws, callObject, ws, try ir.literal(TaggedToolCalls.closeTag),
        ])
        let calls: GrammarIR.NodeID
        if spec.allowsSeveral {
            let next = spec.whitespaceBetweenCalls ? try ir.sequence([ws, call]) : call
            calls = try ir.sequence([call, try ir.repeated(next, min: 0, max: nil)])
        } else {
            calls = call
        }
        var body = calls
        if spec.allowsText {
            let text = ir.declareRule("text")
            ir.define(text, as: try Self.textAvoiding(Array(TaggedToolCalls.openTag.utf8), in: &ir))
            body = try ir.sequence([try ir.call(text), try ir.optional(calls)])
        }
        let root = ir.declareRule("tool-calls")
        ir.define(root, as: body)
        tables = try AutomatonBuilder.build(ir, root: root)
        caches = MaskCacheRegistry()
    }

    /// Valid UTF-8 text in which `tag` never occurs. The tag's first byte must not occur again in
    /// it (true of `<tool_call>`): then a string avoids the tag exactly when it is free characters
    /// and groups, a group being a run of the first byte, a proper prefix of the tag's rest, and
    /// optionally a character that neither continues the tag nor starts a new run, then free
    /// characters again.
    static func textAvoiding(_ tag: [UInt8], in ir: inout GrammarIR) throws(GrammarError) -> GrammarIR.NodeID {
        guard let first = tag.first, tag.count >= 2, !tag.dropFirst().contains(first), first < 0x80,
            tag.allSatisfy({ $0 < 0x80 })
        else {
            throw .tooComplex("a tool-call tag must be ASCII and must not repeat its first character")
        }
        let lead = UInt32(first)
        let free = try ir.repeated(try ir.scalars(CodePointSet(lead).inverted), min: 0, max: nil)
        let run = try ir.repeated(try ir.byte(first), min: 1, max: nil)
        var groups: [GrammarIR.NodeID] = []
        for length in 0..<(tag.count - 1) {
            let prefix = Array(tag[1..<(1 + length)])
            var breaking = CodePointSet([lead...lead, UInt32(tag[1 + length])...UInt32(tag[1 + length])])
            breaking = breaking.inverted
            let tail = try ir.optional(try ir.sequence([try ir.scalars(breaking), free]))
            let started = prefix.isEmpty ? try ir.empty() : try ir.add(.bytes(prefix))
            groups.append(try ir.sequence([run, started, tail]))
        }
        let group = try ir.repeated(try ir.choice(groups), min: 0, max: nil)
        return try ir.sequence([free, group])
    }
}
