import TernGGUF
import TernTokenizers
import Testing

/// Reading tokenizer metadata from GGUF files.
@Suite struct GGUFLoadingTests {
    @Test func readsSmolLM2Metadata() throws {
        let vocabulary = try TokenizerVocabulary(gguf: GGUFFile(path: smolLM2ModelPath))
        #expect(vocabulary.model == "gpt2")
        #expect(vocabulary.preTokenizer == "smollm")
        #expect(vocabulary.tokens.count == 49152)
        #expect(vocabulary.tokenTypes?.count == 49152)
        #expect(vocabulary.merges.count == 48900)
        #expect(vocabulary.merges.first == "Ġ t")
        #expect(vocabulary.specialTokenIDs == [.bos: 1, .eos: 2, .unknown: 0, .padding: 2])
        #expect(vocabulary.addBOS == false)
        #expect(vocabulary.addEOS == nil)
    }

    @Test func loaderPicksBPEForGPT2Models() throws {
        let tokenizer = try TokenizerFactory.load(file: GGUFFile(path: smolLM2ModelPath))
        #expect(tokenizer is BPETokenizer)
        #expect(tokenizer.encode("Hello world", addSpecial: true, parseSpecial: true) == [19556, 905])
    }

    @Test func missingOrMistypedKeysAreNamed() throws {
        var writer = GGUFWriter()
        writer.set("tokenizer.ggml.model", .string("gpt2"))
        #expect(throws: TokenizerError.missingMetadata(key: "tokenizer.ggml.tokens")) {
            try TokenizerVocabulary(gguf: GGUFFile(bytes: writer.serialize()))
        }
        writer.set("tokenizer.ggml.tokens", .array([.string("a"), .string("b")]))
        #expect(throws: TokenizerError.missingMetadata(key: "tokenizer.ggml.merges")) {
            try TokenizerVocabulary(gguf: GGUFFile(bytes: writer.serialize()))
        }
        writer.set("tokenizer.ggml.merges", .array([.string("a b")]))
        writer.set("tokenizer.ggml.token_type", .array([.string("x"), .string("y")]))
        #expect(throws: TokenizerError.missingMetadata(key: "tokenizer.ggml.token_type")) {
            try TokenizerVocabulary(gguf: GGUFFile(bytes: writer.serialize()))
        }
    }

    @Test func buildsFromWrittenFile() throws {
        var writer = GGUFWriter()
        writer.set("tokenizer.ggml.model", .string("gpt2"))
        writer.set("tokenizer.ggml.pre", .string("llama-bpe"))
        writer.set(
            "tokenizer.ggml.tokens", .array(["a", "b", "ab", "<|begin_of_text|>", "<|eot_id|>"].map(GGUFValue.string)))
        writer.set("tokenizer.ggml.token_type", .array([1, 1, 1, 3, 3].map { GGUFValue.int32($0) }))
        writer.set("tokenizer.ggml.merges", .array([.string("a b")]))
        writer.set("tokenizer.ggml.bos_token_id", .uint32(3))
        writer.set("tokenizer.ggml.eos_token_id", .uint32(4))
        let tokenizer = try BPETokenizer(gguf: GGUFFile(bytes: writer.serialize()))
        #expect(tokenizer.preTokenizer == .llama3)
        #expect(tokenizer.addsBOS)
        #expect(tokenizer.encode("abab<|eot_id|>", addSpecial: true, parseSpecial: true) == [3, 2, 2, 4])
        #expect(tokenizer.endOfGenerationTokenIDs == [4])
    }

    @Test func buildsSentencePieceFromWrittenFile() throws {
        var writer = GGUFWriter()
        writer.set("tokenizer.ggml.model", .string("llama"))
        let tokens = ["<unk>", "<s>", "</s>", "<0x0A>", "a", "b", "▁", "ab", "▁a", "<end_of_turn>"]
        writer.set("tokenizer.ggml.tokens", .array(tokens.map(GGUFValue.string)))
        writer.set("tokenizer.ggml.token_type", .array([2, 3, 3, 6, 1, 1, 1, 1, 1, 1].map { GGUFValue.int32($0) }))
        writer.set(
            "tokenizer.ggml.scores",
            .array([0, 0, 0, 0, -5, -5, -4, -1, -2, 0].map { GGUFValue.float32($0) }))
        writer.set("tokenizer.ggml.add_space_prefix", .bool(false))
        writer.set("tokenizer.ggml.eos_token_id", .uint32(9))
        let vocabulary = try TokenizerVocabulary(gguf: GGUFFile(bytes: writer.serialize()))
        #expect(vocabulary.scores?[7] == -1)
        #expect(vocabulary.addSpacePrefix == false)
        let tokenizer = try TokenizerFactory.load(file: GGUFFile(bytes: writer.serialize()))
        let sentencePiece = try #require(tokenizer as? SentencePieceTokenizer)
        #expect(!sentencePiece.addsSpacePrefix)
        // BOS 1 and unknown 0 are llama.cpp's defaults; EOS comes from the metadata.
        #expect(tokenizer.bosTokenID == 1)
        #expect(tokenizer.eosTokenID == 9)
        #expect(tokenizer.addsBOS)
        // "</s>" ends generation by its text alone, as in llama.cpp.
        #expect(tokenizer.endOfGenerationTokenIDs == [2, 9])
        #expect(tokenizer.encode("ab a\n", addSpecial: true, parseSpecial: true) == [1, 7, 8, 3])
        #expect(tokenizer.decode([1, 7, 8, 3], skipSpecial: true) == "ab a\n")
    }
}
