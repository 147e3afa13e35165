import TernTokenizers
import Testing

/// SentencePiece merging, byte fallback, space prefix and decoding on small hand-made vocabularies.
@Suite struct SentencePieceTests {
    private func vocabulary(_ pieces: [(String, Float)], spacePrefix: Bool? = false) -> SyntheticSentencePieceVocabulary
    {
        var vocabulary = SyntheticSentencePieceVocabulary()
        vocabulary.addSpacePrefix = spacePrefix
        for (text, score) in pieces { vocabulary.add(text, score: score) }
        return vocabulary
    }

    /// The texts of the tokens of `text` (vocabulary spelling), to compare splits readably.
    private func split(_ text: String, _ vocabulary: SyntheticSentencePieceVocabulary) throws -> [String] {
        let tokenizer = try vocabulary.tokenizer()
        return tokenizer.encode(text, addSpecial: false, parseSpecial: false).map(tokenizer.tokenText)
    }

    @Test func theBestScoringPairMergesFirst() throws {
        let letters: [(String, Float)] = [("a", -5), ("b", -5), ("c", -5)]
        #expect(try split("abc", vocabulary(letters + [("ab", -2), ("bc", -1)])) == ["a", "bc"])
        #expect(try split("abc", vocabulary(letters + [("ab", -0.5), ("bc", -1)])) == ["ab", "c"])
    }

    @Test func equalScoresMergeLeftmostFirst() throws {
        let vocabulary = vocabulary([("a", -5), ("aa", -1)])
        #expect(try split("aaa", vocabulary) == ["aa", "a"])
        #expect(try split("aaaa", vocabulary) == ["aa", "aa"])
        #expect(try split("aaaaa", vocabulary) == ["aa", "aa", "a"])
    }

    @Test func longTokensAreReachedOnlyThroughTokenPairs() throws {
        let pieces: [(String, Float)] = [("a", -5), ("b", -5), ("c", -5), ("d", -5), ("ab", -1), ("abcd", -0.5)]
        // Without "cd" no pair ever spells "abcd", although it is in the vocabulary.
        #expect(try split("abcd", vocabulary(pieces)) == ["ab", "c", "d"])
        #expect(try split("abcd", vocabulary(pieces + [("cd", -1)])) == ["abcd"])
        // A better pair that overlaps the start of the long token blocks it.
        #expect(try split("abcd", vocabulary(pieces + [("cd", -1), ("bc", -0.1)])) == ["a", "bc", "d"])
    }

    @Test func charactersWithoutATokenFallBackToBytes() throws {
        let vocabulary = vocabulary([("a", -5), ("€", -5)])
        let tokenizer = try vocabulary.tokenizer()
        let ids = tokenizer.encode("aé€\u{1F999}", addSpecial: false, parseSpecial: false)
        let a = try #require(vocabulary.id("a"))
        let euro = try #require(vocabulary.id("€"))
        let expected: [Int32] =
            [a, vocabulary.byteID(0xC3), vocabulary.byteID(0xA9), euro]
            + [0xF0, 0x9F, 0xA6, 0x99].map(vocabulary.byteID)
        #expect(ids == expected)
        #expect(tokenizer.decode(ids, skipSpecial: false) == "aé€\u{1F999}")
        #expect(tokenizer.pieceBytes(vocabulary.byteID(0xC3)) == [0xC3])
    }

    @Test func withoutByteTokensTheUnknownTokenStandsForEachByte() throws {
        var vocabulary = vocabulary([("a", -5)])
        vocabulary.includesByteTokens = false
        let tokenizer = try vocabulary.tokenizer()
        #expect(tokenizer.encode("aéx", addSpecial: false, parseSpecial: false) == [3, 0, 0, 0])
        #expect(tokenizer.decode([3, 0], skipSpecial: false) == "a<unk>")
        #expect(tokenizer.decode([3, 0], skipSpecial: true) == "a")
    }

    @Test func spacesAreWrittenAsLowerBlocks() throws {
        let pieces: [(String, Float)] = [("a", -5), (" ", -4), (" a", -1), ("a ", -2)]
        let tokenizer = try vocabulary(pieces).tokenizer()
        let ids = tokenizer.encode("a a  a", addSpecial: false, parseSpecial: false)
        #expect(ids.map(tokenizer.tokenText) == ["a", "▁a", "▁", "▁a"])
        #expect(tokenizer.pieceBytes(ids[1]) == Array(" a".utf8))
        #expect(tokenizer.decode(ids, skipSpecial: false) == "a a  a")
    }

    @Test func theSpacePrefixStartsTextAndFollowsSpecialTokens() throws {
        var vocabulary = vocabulary([("a", -5), (" ", -4), (" a", -1)], spacePrefix: nil)
        vocabulary.add("<tool>", score: 0, type: .userDefined)
        let tokenizer = try vocabulary.tokenizer()
        #expect(tokenizer.addsSpacePrefix)
        #expect(tokenizer.addsBOS)
        let spaceA = try #require(vocabulary.id(" a"))
        let tool = try #require(vocabulary.id("<tool>"))
        #expect(tokenizer.encode("a", addSpecial: true, parseSpecial: false) == [1, spaceA])
        #expect(tokenizer.encode("a<s>a", addSpecial: false, parseSpecial: true) == [spaceA, 1, spaceA])
        #expect(tokenizer.encode("a<tool>a", addSpecial: false, parseSpecial: false) == [spaceA, tool, spaceA])
        #expect(tokenizer.encode("<tool>", addSpecial: false, parseSpecial: false) == [tool])
        #expect(tokenizer.encode("", addSpecial: true, parseSpecial: false) == [1])
        #expect(tokenizer.encode("", addSpecial: false, parseSpecial: false) == [])
    }

    @Test func decodingDropsTheSpacePrefixOfTheFirstToken() throws {
        let vocabulary = vocabulary([("a", -5), (" ", -4), (" a", -1)], spacePrefix: true)
        let tokenizer = try vocabulary.tokenizer()
        let spaceA = try #require(vocabulary.id(" a"))
        #expect(
            tokenizer.decode(tokenizer.encode("a a", addSpecial: false, parseSpecial: false), skipSpecial: false)
                == "a a")
        #expect(tokenizer.decode([spaceA, spaceA], skipSpecial: false) == "a a")
        // As in llama.cpp, only the first token counts, even when it is a hidden BOS.
        #expect(tokenizer.decode([1, spaceA], skipSpecial: false) == "<s> a")
        #expect(tokenizer.decode([1, spaceA], skipSpecial: true) == " a")
        #expect(tokenizer.pieceBytes(spaceA) == Array(" a".utf8))
        let plainVocabulary = self.vocabulary([("a", -5), (" ", -4), (" a", -1)], spacePrefix: false)
        #expect(try plainVocabulary.tokenizer().decode([spaceA, spaceA], skipSpecial: false) == " a a")
    }

    @Test func specialTextIsParsedOnlyWhenAsked() throws {
        let vocabulary = vocabulary([("a", -5)])
        let tokenizer = try vocabulary.tokenizer()
        let a = try #require(vocabulary.id("a"))
        #expect(tokenizer.encode("a</s>", addSpecial: false, parseSpecial: true) == [a, 2])
        let literal = tokenizer.encode("a</s>", addSpecial: false, parseSpecial: false)
        #expect(literal == [a] + "</s>".utf8.map(vocabulary.byteID))
        #expect(tokenizer.endOfGenerationTokenIDs == [2])
    }

    @Test func pairsMergeIntoTokensOfAnyType() throws {
        // llama.cpp looks merged text up among all tokens, control ones included.
        var vocabulary = vocabulary([("a", -5), ("b", -5)])
        vocabulary.add("ab", score: -1, type: .control)
        let tokenizer = try vocabulary.tokenizer()
        let controlAB = try #require(vocabulary.id("ab"))
        #expect(tokenizer.encode("xab", addSpecial: false, parseSpecial: true) == [vocabulary.byteID(0x78), controlAB])
        #expect(tokenizer.encode("ab", addSpecial: false, parseSpecial: false) == [controlAB])
    }

    @Test func invalidVocabulariesAreRejected() throws {
        var vocabulary = vocabulary([("a", -5)]).vocabulary
        vocabulary.scores?.removeLast()
        #expect(throws: TokenizerError.lengthMismatch(key: "tokenizer.ggml.scores", expected: 260, actual: 259)) {
            try SentencePieceTokenizer(vocabulary: vocabulary)
        }
        vocabulary.scores = nil
        vocabulary.tokens[259] = "<s>"
        #expect(throws: TokenizerError.duplicateToken(text: "<s>", firstID: 1, secondID: 259)) {
            try SentencePieceTokenizer(vocabulary: vocabulary)
        }
        vocabulary.model = "gpt2"
        #expect(throws: TokenizerError.unsupportedModel("gpt2")) { try SentencePieceTokenizer(vocabulary: vocabulary) }
    }

    @Test func missingScoresMergeLeftToRight() throws {
        var vocabulary = vocabulary([("a", 0), ("b", 0), ("c", 0), ("ab", 0), ("bc", 0)]).vocabulary
        vocabulary.scores = nil
        let tokenizer = try SentencePieceTokenizer(vocabulary: vocabulary)
        #expect(
            tokenizer.encode("abc", addSpecial: false, parseSpecial: false).map(tokenizer.tokenText) == ["ab", "c"])
        #expect(tokenizer.score(of: 262) == 0)
    }

    @Test func phi3DropsWhitespaceAfterItsMarkup() throws {
        var vocabulary = vocabulary(
            [("h", -5), ("i", -5), ("x", -5), (" ", -4), ("hi", -3), (" hi", -1), (" x", -1)], spacePrefix: nil)
        vocabulary.add("<|user|>", score: 0, type: .control)
        vocabulary.add("<|end|>", score: 0, type: .control)
        let user = try #require(vocabulary.id("<|user|>"))
        let end = try #require(vocabulary.id("<|end|>"))
        let hi = try #require(vocabulary.id(" hi"))
        let x = try #require(vocabulary.id(" x"))
        let space = try #require(vocabulary.id(" "))
        let text = "<|user|>\n hi<|end|> \nx</s>  x<s> x"
        let plain = try vocabulary.tokenizer().encode(text, addSpecial: false, parseSpecial: true)
        #expect(plain.prefix(4) == [user, space, vocabulary.byteID(0x0A), hi])
        // llama.cpp recognises Phi-3 by general.name and strips after every special token but <s>, <unk>.
        vocabulary.modelName = "Phi3"
        let tokenizer = try vocabulary.tokenizer()
        #expect(tokenizer.attributes(of: end) == [.control, .rightStrip])
        #expect(tokenizer.attributes(of: 1) == .control)
        #expect(tokenizer.encode(text, addSpecial: false, parseSpecial: true) == [user, hi, end, x, 2, x, 1, space, x])
    }
}
