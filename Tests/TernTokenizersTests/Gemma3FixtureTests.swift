import TernGGUF
import TernTestSupport
import TernTokenizers
import Testing

/// Gemma 3's SentencePiece tokenizer against ids llama.cpp produced for the same GGUF file.
@Suite struct Gemma3FixtureTests {
    @Test func fixturesAreAvailable() throws {
        _ = try Gemma3.tokenizer()
        let reference = try #require(Gemma3.reference, "cannot read Tests/Fixtures/gemma3.json")
        #expect(reference.tokenize.count >= 19)
        #expect(reference.greedy.count >= 3)
        let extra = try #require(Gemma3.extra, "cannot read Tests/Fixtures/gemma3-tokenize-extra.json")
        #expect(extra.cases.count >= 180)
    }

    @Test func metadataMatchesLlamaCpp() throws {
        let tokenizer = try Gemma3.tokenizer()
        #expect(tokenizer.vocabularySize == 262_144)
        #expect(!tokenizer.addsSpacePrefix)
        #expect(tokenizer.bosTokenID == 2)
        #expect(tokenizer.eosTokenID == 1)
        #expect(tokenizer.specialTokens[.unknown] == 3)
        #expect(tokenizer.specialTokens[.eot] == 106)
        #expect(tokenizer.addsBOS)
        #expect(!tokenizer.addsEOS)
        // <eos>, <end_of_turn>, and the user-defined </s> that llama.cpp turns into a control token.
        #expect(tokenizer.endOfGenerationTokenIDs == [1, 106, 212])
        #expect(tokenizer.attributes(of: 212) == [.userDefined, .control])
        #expect(tokenizer.tokenID(for: "<start_of_turn>") == 105)
        #expect(tokenizer.tokenText(236743) == "▁")
        #expect(tokenizer.tokenText(248) == "<0x0A>")
        #expect(tokenizer.attributes(of: 248) == .byte)
        #expect(tokenizer.attributes(of: 107) == .userDefined)
        #expect(tokenizer.score(of: 236743) == -236_280)
        #expect(tokenizer.isSpecial(105))
        #expect(tokenizer.isSpecial(255_968))
        #expect(!tokenizer.isSpecial(9259))
    }

    @Test(arguments: Gemma3.referenceTokenizeCases)
    func tokenizesLikeLlamaCpp(_ testCase: ReferenceCases.TokenizeCase) throws {
        let tokenizer = try Gemma3.tokenizer()
        #expect(tokenizer.encode(testCase.text, addSpecial: true, parseSpecial: true) == testCase.ids)
    }

    @Test(arguments: Gemma3.extraCases)
    func tokenizesExtraCasesLikeLlamaCpp(_ testCase: ExtraTokenizeCases.Case) throws {
        let tokenizer = try Gemma3.tokenizer()
        let ids = tokenizer.encode(testCase.text, addSpecial: testCase.addSpecial, parseSpecial: testCase.parseSpecial)
        #expect(ids == testCase.ids)
    }

    @Test func greedyPromptsMatch() throws {
        let tokenizer = try Gemma3.tokenizer()
        let reference = try #require(Gemma3.reference)
        for testCase in reference.greedy {
            let ids = tokenizer.encode(testCase.prompt, addSpecial: true, parseSpecial: true)
            #expect(ids == testCase.promptIds, "\(testCase.prompt)")
            #expect(tokenizer.decode(ids, skipSpecial: true) == testCase.prompt)
        }
    }

    @Test func decodingRestoresEveryFixtureText() throws {
        let tokenizer = try Gemma3.tokenizer()
        let texts = Gemma3.allTexts
        #expect(texts.count > 200)
        for text in texts {
            // A "▁" in the input is SentencePiece's own spelling of a space, so it comes back as one.
            let expected = Array(text.replacingOccurrences(of: "▁", with: " ").utf8)
            let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: true)
            // Compared as bytes: String equality would accept a canonically equivalent text.
            #expect(Array(tokenizer.decode(ids, skipSpecial: false).utf8) == expected, "\(text.debugDescription)")
            let literal = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
            #expect(Array(tokenizer.decode(literal, skipSpecial: true).utf8) == expected, "\(text.debugDescription)")
        }
        #expect(
            tokenizer.decode(tokenizer.encode("a▁b c", addSpecial: false, parseSpecial: false), skipSpecial: false)
                == "a b c")
    }

    @Test func specialTextIsOrdinaryWithoutParseSpecial() throws {
        let tokenizer = try Gemma3.tokenizer()
        let text = "<start_of_turn>user\nHi<end_of_turn>\n<bos>"
        #expect(tokenizer.encode(text, addSpecial: false, parseSpecial: true) == [105, 2364, 107, 10979, 106, 107, 2])
        let literal = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        #expect(literal.allSatisfy { !tokenizer.attributes(of: $0).contains(.control) })
        // The newline is user-defined, so it is still matched as a whole.
        #expect(literal.contains(107))
        #expect(tokenizer.decode(literal, skipSpecial: true) == text)
    }

    @Test func skippingSpecialTokensHidesControlText() throws {
        let tokenizer = try Gemma3.tokenizer()
        let ids = tokenizer.encode("<start_of_turn>user\nHi</s><end_of_turn>", addSpecial: true, parseSpecial: true)
        #expect(ids == [2, 105, 2364, 107, 10979, 212, 106])
        #expect(tokenizer.decode(ids, skipSpecial: true) == "user\nHi")
        #expect(tokenizer.decode(ids, skipSpecial: false) == "<bos><start_of_turn>user\nHi</s><end_of_turn>")
        #expect(tokenizer.pieceBytes(106, skipSpecial: true) == [])
        #expect(tokenizer.pieceBytes(106) == Array("<end_of_turn>".utf8))
        #expect(tokenizer.pieceBytes(255_968, skipSpecial: true) == [0x09])
        #expect(tokenizer.pieceBytes(26352) == Array(" Hello".utf8))
        #expect(tokenizer.pieceBytes(248) == [0x0A])
        #expect(tokenizer.pieceBytes(-1) == [])
        #expect(tokenizer.pieceBytes(262_144) == [])
    }

    @Test func streamingDetokenizerWaitsForByteFallbackCharacters() throws {
        let tokenizer = try Gemma3.tokenizer()
        let text = "a🦙 𠜎!"
        let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        // 🦙 (F0 9F A6 99) and 𠜎 (F0 A0 9C 8E) have no token: four byte tokens each.
        #expect(ids.filter { tokenizer.attributes(of: $0) == .byte }.count == 8)
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var chunks: [String] = []
        for id in ids { chunks.append(detokenizer.append(id)) }
        chunks.append(detokenizer.finish())
        #expect(chunks.joined() == text)
        #expect(!chunks.contains { $0.unicodeScalars.contains("\u{FFFD}") })
        // The first three bytes of 🦙 emit nothing; the fourth emits the whole character.
        let llama = try #require(ids.firstIndex(of: 478))
        #expect(chunks[llama..<(llama + 3)].allSatisfy { $0.isEmpty })
        #expect(chunks[llama + 3] == "🦙")
        #expect(tokenizer.decode(Array(ids[...(llama + 1)]), skipSpecial: false) == "a\u{FFFD}")
    }

    @Test func factoryPicksSentencePieceForLlamaModels() throws {
        let tokenizer = try TokenizerFactory.load(file: GGUFFile(path: TestResources.gemmaModelPath()))
        #expect(tokenizer is SentencePieceTokenizer)
        #expect(tokenizer.encode("Hello world", addSpecial: true, parseSpecial: true) == [2, 9259, 1902])
        #expect(tokenizer.isEndOfGeneration(106))
    }
}
