import TernTokenizers
import Testing

/// Word splitting of every pre-tokenizer against the regexes llama.cpp uses.
@Suite struct PreTokenizerTests {
    @Test(arguments: PreTokenizerKind.allCases)
    func splitsLikeLlamaCppRegexes(_ kind: PreTokenizerKind) throws {
        let expected = try #require(expectedPreTokenizerWords["\(kind)"])
        #expect(expected.count == preTokenizerSampleTexts.count)
        for (text, words) in zip(preTokenizerSampleTexts, expected) {
            #expect(kind.words(text) == words, "\(kind): \(text.debugDescription)")
        }
    }

    @Test(arguments: PreTokenizerKind.allCases)
    func wordsCoverTheText(_ kind: PreTokenizerKind) {
        for text in preTokenizerSampleTexts {
            let words = kind.words(text)
            #expect(words.joined() == text)
            #expect(words.allSatisfy { !$0.isEmpty })
        }
        #expect(kind.words("").isEmpty)
    }

    @Test func gpt2KeepsLastSpaceForNextWord() {
        #expect(PreTokenizerKind.gpt2.words("a   b") == ["a", "  ", " b"])
        #expect(PreTokenizerKind.gpt2.words("a   ") == ["a", "   "])
        #expect(PreTokenizerKind.gpt2.words(" \n \t  \n") == [" \n \t  \n"])
    }

    @Test func gpt2ContractionsAreCaseSensitive() {
        #expect(PreTokenizerKind.gpt2.words("don't DON'T") == ["don", "'t", " DON", "'", "T"])
    }

    @Test func llama3ContractionsIgnoreCase() {
        #expect(PreTokenizerKind.llama3.words("DON'T we'Ll") == ["DON", "'T", " we", "'Ll"])
    }

    @Test func digitGroups() {
        #expect(PreTokenizerKind.llama3.words("1234567") == ["123", "456", "7"])
        #expect(PreTokenizerKind.qwen2.words("123") == ["1", "2", "3"])
        #expect(PreTokenizerKind.starcoder.words("x 42") == ["x", " ", "4", "2"])
        #expect(PreTokenizerKind.gpt2.words("x 42") == ["x", " 42"])
    }

    @Test func llama3KeepsNewlinesWithPrecedingWhitespace() {
        #expect(PreTokenizerKind.llama3.words("a \n\n b") == ["a", " \n\n", " b"])
        #expect(PreTokenizerKind.llama3.words("!!\n\nx") == ["!!\n\n", "x"])
    }
}
