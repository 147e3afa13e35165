/// A compiled grammar paired with the vocabulary of the model it constrains: what a request
/// carries to the engine so each of its samples stays inside the grammar.
public struct OutputConstraint: Sendable {
    public let grammar: CompiledGrammar
    public let vocabulary: GrammarVocabulary

    public init(grammar: CompiledGrammar, vocabulary: GrammarVocabulary) {
        self.grammar = grammar
        self.vocabulary = vocabulary
    }

    /// A fresh matcher at the start of the output.
    public func makeMatcher() -> GrammarMatcher { GrammarMatcher(grammar: grammar, vocabulary: vocabulary) }
}
