struct JSONSchemaCompiler {
    var json = JSONGrammar(ir: GrammarIR())
    init(schemaText: String) throws(GrammarError) {}
    mutating func compileRoot() throws(GrammarError) -> GrammarIR.RuleID {
        throw .tooComplex("todo")
    }
}
