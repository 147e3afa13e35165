import TernTokenizers

extension GrammarVocabulary {
    /// The vocabulary of a model's tokenizer: each token's bytes as the tokenizer spells them
    /// when special tokens are skipped, so control tokens spell nothing and are never allowed;
    /// the tokenizer's end-of-generation tokens end a constrained output.
    public init(tokenizer: any Tokenizer) {
        let bytes = (0..<tokenizer.vocabularySize).map { tokenizer.pieceBytes(Int32($0), skipSpecial: true) }
        self.init(tokenBytes: bytes, endTokens: tokenizer.endOfGenerationTokenIDs, excluded: [])
    }
}
