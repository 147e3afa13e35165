/// A constraint compiled to automata, ready to drive any number of matchers. Compile once per
/// distinct constraint and reuse it: token masks computed for one request are cached in it and
/// speed up the next.
public struct CompiledGrammar: Sendable {
    let tables: GrammarTables
    let caches: MaskCacheRegistry

    /// Compiles `spec`. Compilation time and size are bounded; anything unsupported or too big
    /// throws an error that names it.
    public init(_ spec: ConstraintSpec) throws(GrammarError) {
        var ir = GrammarIR()
        let root: GrammarIR.RuleID
        switch spec {
        case .jsonObject:
            var json = JSONGrammar(ir: ir)
            root = try json.anyObjectRule()
            ir = json.ir
        case .jsonSchema(let text):
            var compiler = try JSONSchemaCompiler(schemaText: text)
            root = try compiler.compileRoot()
            ir = compiler.json.ir
        case .regex(let pattern):
            let regex = try RegexParser.parse(pattern, mode: .fullMatch)
            var emitter = RegexEmitter(ir: ir, encoding: .raw)
            let body = try emitter.emit(regex)
            ir = emitter.ir
            root = ir.declareRule("regex")
            ir.define(root, as: body)
        }
        do {
            tables = try AutomatonBuilder.build(ir, root: root)
        } catch .unsatisfiable where spec.isRegex {
            throw .invalidRegex(offset: 0, reason: "the regex matches nothing")
        }
        caches = MaskCacheRegistry()
    }

    /// The number of automaton states (a measure of the grammar's size).
    public var stateCount: Int { tables.stateCount }
}

extension ConstraintSpec {
    fileprivate var isRegex: Bool {
        if case .regex = self { return true }
        return false
    }
}
