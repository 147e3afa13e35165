import TernTokenizers
import Testing

/// SmolLM2's tokenizer against ids llama.cpp produced for the same GGUF file.
@Suite struct SmolLM2FixtureTests {
    @Test func fixturesAreAvailable() throws {
        let fixture = try #require(Fixtures.smolLM2, "cannot read \(fixturesDirectory)/smollm2.json")
        #expect(fixture.tokenize.count >= 19)
        #expect(fixture.greedy.count >= 4)
        let template = try #require(Fixtures.smolLM2ChatTemplate)
        #expect(!template.cases.isEmpty)
    }

    @Test func metadataMatchesLlamaCpp() throws {
        let tokenizer = try SmolLM2.tokenizer()
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.preTokenizer == .starcoder)
        #expect(tokenizer.preTokenizerName == "smollm")
        #expect(!tokenizer.usesFallbackPreTokenizer)
        #expect(tokenizer.bosTokenID == 1)
        #expect(tokenizer.eosTokenID == 2)
        #expect(!tokenizer.addsBOS)
        #expect(!tokenizer.addsEOS)
        // EOS, the text-detected <|endoftext|> / <|im_end|>, and <reponame> as FIM-repo.
        #expect(tokenizer.endOfGenerationTokenIDs == [0, 2, 4])
        #expect(tokenizer.tokenID(for: "<|im_start|>") == 1)
        #expect(tokenizer.tokenText(2) == "<|im_end|>")
        #expect(tokenizer.tokenText(216) == "Ġ")
        #expect(tokenizer.isSpecial(1))
        #expect(!tokenizer.isSpecial(216))
    }

    @Test(arguments: Fixtures.smolLM2TokenizeCases)
    func tokenizesLikeLlamaCpp(_ testCase: TokenizeCase) throws {
        let tokenizer = try SmolLM2.tokenizer()
        #expect(tokenizer.encode(testCase.text, addSpecial: true, parseSpecial: true) == testCase.ids)
    }

    @Test(arguments: Fixtures.smolLM2TokenizeCases)
    func decodingRestoresText(_ testCase: TokenizeCase) throws {
        let tokenizer = try SmolLM2.tokenizer()
        let ids = tokenizer.encode(testCase.text, addSpecial: false, parseSpecial: true)
        #expect(tokenizer.decode(ids, skipSpecial: false) == testCase.text)
    }

    @Test func chatTemplatePromptMatches() throws {
        let tokenizer = try SmolLM2.tokenizer()
        let fixture = try #require(Fixtures.smolLM2ChatTemplate)
        for testCase in fixture.cases {
            let ids = tokenizer.encode(testCase.prompt, addSpecial: true, parseSpecial: true)
            #expect(ids == testCase.prompt_ids)
            #expect(tokenizer.decode(ids, skipSpecial: false) == testCase.prompt)
        }
    }

    @Test func greedyPromptsMatch() throws {
        let tokenizer = try SmolLM2.tokenizer()
        let fixture = try #require(Fixtures.smolLM2)
        for testCase in fixture.greedy {
            let ids = tokenizer.encode(testCase.prompt, addSpecial: true, parseSpecial: true)
            #expect(ids == testCase.prompt_ids, "\(testCase.prompt)")
            #expect(tokenizer.decode(ids, skipSpecial: false) == testCase.prompt)
        }
    }

    @Test func specialTextIsOrdinaryWithoutParseSpecial() throws {
        let tokenizer = try SmolLM2.tokenizer()
        let text = "<|im_start|>user\nHi<|im_end|>\n"
        let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        #expect(!ids.contains(1))
        #expect(!ids.contains(2))
        #expect(ids.allSatisfy { !tokenizer.isSpecial($0) })
        #expect(tokenizer.decode(ids, skipSpecial: true) == text)
        #expect(tokenizer.encode(text, addSpecial: false, parseSpecial: true) == [1, 4093, 198, 26843, 2, 198])
    }

    @Test func skippingSpecialTokensHidesControlText() throws {
        let tokenizer = try SmolLM2.tokenizer()
        let ids = tokenizer.encode("<|im_start|>user\nHi<|im_end|>\n", addSpecial: false, parseSpecial: true)
        #expect(tokenizer.decode(ids, skipSpecial: true) == "user\nHi\n")
        #expect(tokenizer.pieceBytes(2, skipSpecial: true) == [])
        #expect(tokenizer.pieceBytes(2) == Array("<|im_end|>".utf8))
        #expect(tokenizer.pieceBytes(216) == [0x20])
        #expect(tokenizer.pieceBytes(-1) == [])
        #expect(tokenizer.pieceBytes(49152) == [])
    }

    @Test func partialCharactersDecodeAsReplacement() throws {
        let tokenizer = try SmolLM2.tokenizer()
        // 🦙 is F0 9F A6 99, spread over three tokens.
        let llama = tokenizer.encode("🦙", addSpecial: false, parseSpecial: false)
        #expect(llama.count == 3)
        #expect(tokenizer.decode(Array(llama.prefix(2)), skipSpecial: false) == "\u{FFFD}")
        #expect(tokenizer.decode(llama, skipSpecial: false) == "🦙")
    }
}
