import Foundation
import TernGGUF
import TernTokenizers
import Testing

@testable import TernSampling

/// The vocabulary built from the real tokenizer agrees with the one read from raw GGUF metadata,
/// and constrained generation with it spells exactly what the tokenizer decodes.
@Suite struct ConstraintsTokenizerTests {
    @Test func vocabularyFromTheRealTokenizer() throws {
        let tokenizer = try TokenizerFactory.load(file: GGUFFile(path: RealVocabulary.path))
        let vocabulary = GrammarVocabulary(tokenizer: tokenizer)
        let raw = try RealVocabulary.get()
        #expect(vocabulary.count == raw.vocabulary.count)
        #expect(vocabulary.trie.endTokens.contains(raw.end))
        for token in 0..<Int32(vocabulary.count) where raw.vocabulary.trie.inTrie[Int(token)] {
            #expect(Array(vocabulary.trie.tokenBytes(token)) == raw.bytes[Int(token)])
        }
        let imStart = try #require(tokenizer.tokenID(for: "<|im_start|>"))
        #expect(!vocabulary.trie.inTrie[Int(imStart)], "control tokens are never allowed")

        let grammar = try CompiledGrammar(.jsonSchema(ConstraintsSchemaWalkTests.schemas[0].text))
        var matcher = GrammarMatcher(grammar: grammar, vocabulary: vocabulary)
        let text = #"{"name": "Ada", "age": 36, "tags": ["math"]}"#
        let tokens = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        var mask = TokenMask(count: vocabulary.count)
        for token in tokens {
            matcher.allowedTokens(into: &mask)
            #expect(mask.contains(token) && !mask.contains(imStart))
            let accepted = matcher.accept(token)
            #expect(accepted)
        }
        #expect(matcher.isComplete)
        #expect(tokenizer.decode(tokens, skipSpecial: true) == text)
    }
}
