import TernTokenizers
import Testing

/// Special-token matching, BOS/EOS policy and end-of-generation detection.
@Suite struct SpecialTokenTests {
    /// ids: 256 "<|end|>" control, 257 "<tool>" user-defined, 258 "<s>" control, 259 "<s>x" control,
    /// 260 "<|eot_id|>" typed normal.
    private func vocabulary() -> SyntheticVocabulary {
        var vocabulary = SyntheticVocabulary()
        vocabulary.extraTokens = [
            ("<|end|>", .control), ("<tool>", .userDefined), ("<s>", .control), ("<s>x", .control),
            ("<|eot_id|>", .normal),
        ]
        vocabulary.specialTokenIDs = [.bos: 258, .eos: 256]
        return vocabulary
    }

    @Test func controlTokensAreParsedOnlyWhenAsked() throws {
        let tokenizer = try vocabulary().tokenizer()
        #expect(tokenizer.encode("a<|end|>b", addSpecial: false, parseSpecial: true) == [97, 256, 98])
        let literal = tokenizer.encode("a<|end|>b", addSpecial: false, parseSpecial: false)
        #expect(!literal.contains(256))
        #expect(tokenizer.decode(literal, skipSpecial: false) == "a<|end|>b")
    }

    @Test func userDefinedTokensAreAlwaysMatched() throws {
        let tokenizer = try vocabulary().tokenizer()
        #expect(tokenizer.encode("x<tool>y", addSpecial: false, parseSpecial: false) == [120, 257, 121])
        #expect(tokenizer.encode("x<tool>y", addSpecial: false, parseSpecial: true) == [120, 257, 121])
        // User-defined text is kept when skipping special tokens; control text is not.
        #expect(tokenizer.decode([257, 256], skipSpecial: true) == "<tool>")
    }

    @Test func longerSpecialTokensWin() throws {
        let tokenizer = try vocabulary().tokenizer()
        #expect(tokenizer.encode("<s>xy<s>", addSpecial: false, parseSpecial: true) == [259, 121, 258])
        #expect(tokenizer.encode("<s><s>", addSpecial: false, parseSpecial: true) == [258, 258])
    }

    @Test func addSpecialFollowsMetadata() throws {
        var vocabulary = vocabulary()
        #expect(try vocabulary.tokenizer().encode("a", addSpecial: true, parseSpecial: false) == [97])
        vocabulary.addBOS = true
        let tokenizer = try vocabulary.tokenizer()
        #expect(tokenizer.addsBOS)
        #expect(tokenizer.encode("a", addSpecial: true, parseSpecial: false) == [258, 97])
        #expect(tokenizer.encode("a", addSpecial: false, parseSpecial: false) == [97])
    }

    @Test func bosDefaultsFollowThePreTokenizer() throws {
        var vocabulary = vocabulary()
        vocabulary.preTokenizer = "llama-bpe"
        #expect(try vocabulary.tokenizer().addsBOS)
        vocabulary.preTokenizer = "qwen2"
        #expect(try !vocabulary.tokenizer().addsBOS)
        vocabulary.preTokenizer = "chatglm-bpe"
        #expect(try vocabulary.tokenizer().bosTokenID == 258)
        vocabulary.specialTokenIDs[.bos] = nil
        #expect(try vocabulary.tokenizer().bosTokenID == nil)
    }

    @Test func gpt2DefaultsToBOSAndEOSEleven() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.specialTokenIDs = [:]
        let tokenizer = try vocabulary.tokenizer()
        #expect(tokenizer.bosTokenID == 11)
        #expect(tokenizer.eosTokenID == 11)
        #expect(tokenizer.endOfGenerationTokenIDs == [11])
    }

    @Test func endOfGenerationIncludesTextDetectedTokens() throws {
        let tokenizer = try vocabulary().tokenizer()
        // EOS, <|end|> and <|eot_id|> (typed normal, promoted to control as llama.cpp does).
        #expect(tokenizer.endOfGenerationTokenIDs == [256, 260])
        #expect(tokenizer.specialTokens[.eot] == 256)
        #expect(tokenizer.attributes(of: 260).contains(.control))
        #expect(tokenizer.isEndOfGeneration(260))
        #expect(!tokenizer.isEndOfGeneration(258))
    }

    @Test func outOfRangeMetadataIdsAreIgnored() throws {
        var vocabulary = vocabulary()
        vocabulary.specialTokenIDs = [.bos: 10_000, .eos: 256]
        // The default BOS (11) stays because the metadata value is unusable.
        #expect(try vocabulary.tokenizer().bosTokenID == 11)
    }

    @Test func unknownPreTokenizerFallsBackToGPT2() throws {
        var vocabulary = vocabulary()
        vocabulary.preTokenizer = "some-future-model"
        let tokenizer = try vocabulary.tokenizer()
        #expect(tokenizer.usesFallbackPreTokenizer)
        #expect(tokenizer.preTokenizer == .gpt2)
        #expect(tokenizer.preTokenizerName == "some-future-model")
        #expect(
            tokenizer.decode(tokenizer.encode("it's 42", addSpecial: false, parseSpecial: false), skipSpecial: false)
                == "it's 42")

        vocabulary.preTokenizer = nil
        let missing = try vocabulary.tokenizer()
        #expect(missing.preTokenizer == .llamaDefault)
        #expect(!missing.usesFallbackPreTokenizer)
    }

    @Test func invalidVocabulariesAreRejected() {
        var duplicate = SyntheticVocabulary()
        duplicate.addToken("a")
        #expect(throws: TokenizerError.duplicateToken(text: "a", firstID: 97, secondID: 256)) {
            try duplicate.tokenizer()
        }

        var sentencePiece = SyntheticVocabulary().vocabulary
        sentencePiece.model = "llama"
        #expect(throws: TokenizerError.unsupportedModel("llama")) { try BPETokenizer(vocabulary: sentencePiece) }

        let empty = TokenizerVocabulary(model: "gpt2", tokens: [])
        #expect(throws: TokenizerError.emptyVocabulary) { try BPETokenizer(vocabulary: empty) }

        let tiny = TokenizerVocabulary(model: "gpt2", tokens: ["a", "b"], addBOS: true)
        #expect(throws: TokenizerError.self) { try BPETokenizer(vocabulary: tiny) }

        let shortTypes = TokenizerVocabulary(model: "gpt2", tokens: ["a", "b"], tokenTypes: [1])
        #expect(throws: TokenizerError.lengthMismatch(key: "tokenizer.ggml.token_type", expected: 2, actual: 1)) {
            try BPETokenizer(vocabulary: shortTypes)
        }
    }

    @Test func emptyTokensGetPlaceholderNames() throws {
        let tokenizer = try BPETokenizer(vocabulary: TokenizerVocabulary(model: "gpt2", tokens: ["a", "", "b"]))
        #expect(tokenizer.tokenText(1) == "[EMPTY_1]")
        #expect(tokenizer.tokenID(for: "b") == 2)
        #expect(tokenizer.tokenID(for: "") == nil)
        #expect(tokenizer.tokenText(3) == "")
    }

    @Test func jinaMaskTokensSwallowTheSpaceBeforeThem() throws {
        var vocabulary = vocabulary()
        vocabulary.extraTokens.append(("<mask>", .control))
        #expect(try vocabulary.tokenizer().encode("a <mask>", addSpecial: false, parseSpecial: true) == [97, 32, 261])
        vocabulary.preTokenizer = "jina-v2-code"
        let tokenizer = try vocabulary.tokenizer()
        #expect(tokenizer.attributes(of: 261) == [.control, .leftStrip])
        #expect(tokenizer.encode("a \t<mask> b", addSpecial: false, parseSpecial: true) == [97, 261, 32, 98])
    }
}
