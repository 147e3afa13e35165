import TernGGUF

extension TokenizerVocabulary {
    /// Reads the `tokenizer.ggml.*` metadata of a GGUF file.
    /// - Throws: `TokenizerError.missingMetadata` when the model name or token list is absent or
    ///   mistyped, or when a present per-token array or merge list has the wrong type.
    public init(gguf: GGUFFile) throws {
        try self.init(metadata: gguf.metadata)
    }

    /// Reads the `tokenizer.ggml.*` keys of GGUF metadata.
    public init(metadata: GGUFMetadata) throws {
        func required<T>(_ key: String, _ read: (String) -> T?) throws -> T {
            guard let value = read(key) else { throw TokenizerError.missingMetadata(key: key) }
            return value
        }
        func optional<T>(_ key: String, _ read: (String) -> T?) throws -> T? {
            guard metadata.contains(key) else { return nil }
            return try required(key, read)
        }

        let model = try required("tokenizer.ggml.model", metadata.string)
        let tokens = try required("tokenizer.ggml.tokens", metadata.stringArray)
        let types = try optional("tokenizer.ggml.token_type", metadata.intArray)
        let scores = try optional("tokenizer.ggml.scores", metadata.floatArray)
        let merges = try optional("tokenizer.ggml.merges", metadata.stringArray)
        // llama.cpp refuses a byte-level BPE vocabulary without merges.
        if merges == nil && model == "gpt2" {
            throw TokenizerError.missingMetadata(key: "tokenizer.ggml.merges")
        }

        var specialTokenIDs: [SpecialTokenRole: Int] = [:]
        for role in SpecialTokenRole.allCases {
            for key in [role.metadataKey, role.deprecatedMetadataKey].compactMap({ $0 }) {
                if let id = metadata.int(key) { specialTokenIDs[role] = id }
            }
        }

        self.init(
            model: model, preTokenizer: metadata.string("tokenizer.ggml.pre"), tokens: tokens,
            tokenTypes: types?.map { Int32(clamping: $0) }, scores: scores, merges: merges ?? [],
            specialTokenIDs: specialTokenIDs, addBOS: metadata.bool("tokenizer.ggml.add_bos_token"),
            addEOS: metadata.bool("tokenizer.ggml.add_eos_token"),
            addSpacePrefix: metadata.bool("tokenizer.ggml.add_space_prefix"),
            modelName: metadata.string("general.name"),
            architecture: metadata.string("general.architecture"))
    }
}

extension BPETokenizer {
    /// Builds the tokenizer of a GGUF model whose `tokenizer.ggml.model` is "gpt2".
    public init(gguf: GGUFFile) throws {
        try self.init(vocabulary: TokenizerVocabulary(gguf: gguf))
    }
}

extension SentencePieceTokenizer {
    /// Builds the tokenizer of a GGUF model whose `tokenizer.ggml.model` is "llama".
    public init(gguf: GGUFFile) throws {
        try self.init(vocabulary: TokenizerVocabulary(gguf: gguf))
    }
}

/// Picks the tokenizer implementation a GGUF file asks for.
public enum TokenizerFactory {
    /// The tokenizer of `file`, chosen by `tokenizer.ggml.model`.
    /// "gpt2" is byte-level BPE, "llama" is SentencePiece.
    /// - Throws: `TokenizerError.unsupportedModel` for models without an implementation (WordPiece
    ///   "bert", Unigram "t5", RWKV, …), or any error of reading the vocabulary.
    public static func load(file: GGUFFile) throws -> any Tokenizer {
        let vocabulary = try TokenizerVocabulary(gguf: file)
        switch vocabulary.model {
        case "gpt2":
            return try BPETokenizer(vocabulary: vocabulary)
        case "llama":
            return try SentencePieceTokenizer(vocabulary: vocabulary)
        default:
            throw TokenizerError.unsupportedModel(vocabulary.model)
        }
    }
}
