/// A special token's role, with the GGUF metadata key that names its id.
public enum SpecialTokenRole: String, Sendable, CaseIterable {
    case bos, eos, eot, eom, unknown, separator, padding, mask
    case fimPrefix, fimSuffix, fimMiddle, fimPad, fimRepo, fimSeparator

    /// The GGUF key holding this role's token id (spelled as llama.cpp writes it, "seperator" too).
    public var metadataKey: String {
        switch self {
        case .bos: return "tokenizer.ggml.bos_token_id"
        case .eos: return "tokenizer.ggml.eos_token_id"
        case .eot: return "tokenizer.ggml.eot_token_id"
        case .eom: return "tokenizer.ggml.eom_token_id"
        case .unknown: return "tokenizer.ggml.unknown_token_id"
        case .separator: return "tokenizer.ggml.seperator_token_id"
        case .padding: return "tokenizer.ggml.padding_token_id"
        case .mask: return "tokenizer.ggml.mask_token_id"
        case .fimPrefix: return "tokenizer.ggml.fim_pre_token_id"
        case .fimSuffix: return "tokenizer.ggml.fim_suf_token_id"
        case .fimMiddle: return "tokenizer.ggml.fim_mid_token_id"
        case .fimPad: return "tokenizer.ggml.fim_pad_token_id"
        case .fimRepo: return "tokenizer.ggml.fim_rep_token_id"
        case .fimSeparator: return "tokenizer.ggml.fim_sep_token_id"
        }
    }

    /// Older keys that llama.cpp still reads after the current ones (so they win when both exist).
    public var deprecatedMetadataKey: String? {
        switch self {
        case .fimPrefix: return "tokenizer.ggml.prefix_token_id"
        case .fimSuffix: return "tokenizer.ggml.suffix_token_id"
        case .fimMiddle: return "tokenizer.ggml.middle_token_id"
        default: return nil
        }
    }
}

/// Everything a tokenizer is built from, as plain values: the `tokenizer.ggml.*` metadata of a
/// GGUF file, or a vocabulary made by hand in a test. Absent optional values take llama.cpp's
/// defaults for the tokenizer model and pre-tokenizer.
public struct TokenizerVocabulary: Sendable, Equatable {
    /// `tokenizer.ggml.model`: "gpt2" for byte-level BPE, "llama" for SentencePiece, …
    public var model: String
    /// `tokenizer.ggml.pre`: which pre-tokenizer splits text into words before BPE.
    public var preTokenizer: String?
    /// `tokenizer.ggml.tokens`: token texts, indexed by id.
    public var tokens: [String]
    /// `tokenizer.ggml.token_type`: raw `TokenType` values; nil makes every token normal.
    public var tokenTypes: [Int32]?
    /// `tokenizer.ggml.scores`: SentencePiece scores (unused by BPE).
    public var scores: [Float]?
    /// `tokenizer.ggml.merges`: "left right" pairs, best (lowest rank) first.
    public var merges: [String]
    /// Special token ids given by the metadata.
    public var specialTokenIDs: [SpecialTokenRole: Int]
    /// `tokenizer.ggml.add_bos_token`; nil takes the default of the model and pre-tokenizer.
    public var addBOS: Bool?
    /// `tokenizer.ggml.add_eos_token`; nil takes the default of the model.
    public var addEOS: Bool?
    /// `tokenizer.ggml.add_space_prefix` (SentencePiece).
    public var addSpacePrefix: Bool?
    /// `general.name`: llama.cpp gives some models' special tokens whitespace stripping by name (Phi-3).
    public var modelName: String?
    /// `general.architecture`, used the same way (nomic-bert-moe, jina-bert-v3).
    public var architecture: String?

    /// Creates a vocabulary from plain values.
    public init(
        model: String, preTokenizer: String? = nil, tokens: [String], tokenTypes: [Int32]? = nil,
        scores: [Float]? = nil, merges: [String] = [], specialTokenIDs: [SpecialTokenRole: Int] = [:],
        addBOS: Bool? = nil, addEOS: Bool? = nil, addSpacePrefix: Bool? = nil, modelName: String? = nil,
        architecture: String? = nil
    ) {
        self.model = model
        self.preTokenizer = preTokenizer
        self.tokens = tokens
        self.tokenTypes = tokenTypes
        self.scores = scores
        self.merges = merges
        self.specialTokenIDs = specialTokenIDs
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
        self.modelName = modelName
        self.architecture = architecture
    }
}
