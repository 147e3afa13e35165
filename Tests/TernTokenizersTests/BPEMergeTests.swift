import TernTokenizers
import Testing

/// Merge order and fallbacks of the BPE core on hand-made vocabularies.
@Suite struct BPEMergeTests {
    @Test func lowerRankMergesFirst() throws {
        var bcFirst = SyntheticVocabulary()
        bcFirst.addMerge("b", "c")
        bcFirst.addMerge("a", "b")
        #expect(try bcFirst.tokenizer().pieces("abc") == ["a", "bc"])

        var abFirst = SyntheticVocabulary()
        abFirst.addMerge("a", "b")
        abFirst.addMerge("b", "c")
        #expect(try abFirst.tokenizer().pieces("abc") == ["ab", "c"])
    }

    @Test func equalRanksMergeLeftmostFirst() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.addMerge("a", "a")
        #expect(try vocabulary.tokenizer().pieces("aaa") == ["aa", "a"])
        #expect(try vocabulary.tokenizer().pieces("aaaaa") == ["aa", "aa", "a"])
    }

    @Test func mergesChain() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.addMerge(" ", "t")
        vocabulary.addMerge("h", "e")
        vocabulary.addMerge(" t", "he")
        vocabulary.addMerge("a", "a")
        vocabulary.addMerge("aa", "aa")
        let tokenizer = try vocabulary.tokenizer()
        #expect(tokenizer.pieces(" the") == [" the"])
        #expect(tokenizer.pieces("the") == ["t", "he"])
        #expect(tokenizer.pieces("aaaa") == ["aaaa"])
        #expect(tokenizer.encode(" the", addSpecial: false, parseSpecial: false) == [258])
    }

    @Test func duplicateRulesKeepTheirFirstRank() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.addMerge("b", "c")
        vocabulary.addMerge("a", "b")
        vocabulary.merges.append((SyntheticVocabulary.spell("b"), SyntheticVocabulary.spell("c")))
        #expect(try vocabulary.tokenizer().pieces("abc") == ["a", "bc"])
    }

    @Test func mergeIntoUnknownStringFallsBackToSingleByteTokens() throws {
        // llama.cpp emits the one-byte tokens of a symbol missing from the vocabulary; bytes
        // whose spelling is not a one-byte token (everything non-ASCII) are dropped.
        var vocabulary = SyntheticVocabulary()
        vocabulary.addMerge("x", "y", addingToken: false)
        // "é" is C3 A9, spelled "Ã©".
        vocabulary.merges.append(("Ã", "©"))
        let tokenizer = try vocabulary.tokenizer()
        #expect(tokenizer.pieces("xy") == ["x", "y"])
        #expect(tokenizer.encode("é", addSpecial: false, parseSpecial: false) == [])
    }

    @Test func ignoresMergesForWholeWordsOnlyWhenThePreTokenizerSaysSo() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.addToken("abc")
        vocabulary.preTokenizer = "llama-bpe"
        vocabulary.specialTokenIDs = [.bos: 0]
        #expect(try vocabulary.tokenizer().pieces("abc") == ["abc"])
        vocabulary.preTokenizer = "dbrx"
        #expect(try vocabulary.tokenizer().pieces("abc") == ["a", "b", "c"])
    }

    @Test func everyByteRoundTrips() throws {
        let tokenizer = try SyntheticVocabulary().tokenizer()
        let text = "tab\there\u{0} nul, ÿ, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, \u{7F}\u{85}"
        let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        #expect(ids.count == text.utf8.count)
        #expect(ids == text.utf8.map { Int32($0) })
        #expect(tokenizer.decode(ids, skipSpecial: false) == text)
    }

    @Test(arguments: [
        ("gpt-2", "the 123's", ["t", "he", " ", "123", "'s"]),
        ("llama-bpe", "the 1234's", ["t", "he", " ", "123", "4", "'s"]),
        ("qwen2", "the 12'S", ["t", "he", " ", "1", "2", "'S"]),
        ("smollm", "the 12'S", ["t", "he", " ", "1", "2", "'", "S"]),
        ("gpt-2", "a  the", ["a", " ", " the"]),
        ("gpt-2", "a\n\nb", ["a", "\n", "\n", "b"]),
        ("llama-bpe", "a\n\nb", ["a", "\n\n", "b"]),
        ("falcon", "x=1234", ["x", "=", "123", "4"]),
        ("deepseek-coder", "a\n\nb", ["a", "\n", "\n", "b"]),
        ("bloom", "the 123's, 12", ["t", "he", " ", "123's", ",", " ", "12"]),
    ])
    func preTokenizerShapesMerges(_ name: String, _ text: String, _ expected: [String]) throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.preTokenizer = name
        vocabulary.specialTokenIDs = [.bos: 0]
        for (left, right) in [
            (" ", "t"), ("h", "e"), (" t", "he"), ("1", "2"), ("12", "3"), (" ", "1"), ("'", "s"), ("\n", "\n"),
            (" 1", "2"), (" 12", "3"), ("123", "'s"), (" 123", "'s"), ("'", "S"),
        ] {
            vocabulary.addMerge(left, right)
        }
        let tokenizer = try vocabulary.tokenizer()
        let usesFallback = tokenizer.usesFallbackPreTokenizer
        #expect(!usesFallback)
        #expect(tokenizer.pieces(text) == expected)
    }
}
