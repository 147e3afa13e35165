/// The hosted API's generation fields beyond the common OpenAI set: the completions-only controls
/// (token-level stops and bans, n-gram blocking, minimum total length, forced output, embedding
/// replacement, encoder-decoder options) and chat's reasoning options. Decoded from the same JSON
/// object as ``GenerationFields`` (which holds them) and accepted on both endpoints; `null` means
/// unset. ``GenerationSettings`` honours them or answers 422 naming the field.
struct ExtraGenerationFields: Decodable {
    var minTotalTokens: Int?
    var stopTokens: [TokenSequenceField]?
    var badWords: [String]?
    var badWordTokens: [TokenSequenceField]?
    var noRepeatNgram: Int?
    var forcedOutputTokens: [Int]?
    var tokenIndexToReplace: [Int]?
    var embeddingToReplace: [Double]?
    var encoderRepetitionPenalty: Double?
    var encoderNoRepeatNgram: Int?
    var parseReasoning: Bool?
    var includeReasoning: Bool?
    var reasoningEffort: String?
    var reasoningBudget: Int?

    enum CodingKeys: String, CodingKey {
        case minTotalTokens = "min_total_tokens"
        case stopTokens = "stop_tokens"
        case badWords = "bad_words"
        case badWordTokens = "bad_word_tokens"
        case noRepeatNgram = "no_repeat_ngram"
        case forcedOutputTokens = "forced_output_tokens"
        case tokenIndexToReplace = "token_index_to_replace"
        case embeddingToReplace = "embedding_to_replace"
        case encoderRepetitionPenalty = "encoder_repetition_penalty"
        case encoderNoRepeatNgram = "encoder_no_repeat_ngram"
        case parseReasoning = "parse_reasoning"
        case includeReasoning = "include_reasoning"
        case reasoningEffort = "reasoning_effort"
        case reasoningBudget = "reasoning_budget"
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minTotalTokens = try container.decodeInteger(forKey: .minTotalTokens)
        stopTokens = try container.decodeIfPresent([TokenSequenceField].self, forKey: .stopTokens)
        badWords = try container.decodeIfPresent([String].self, forKey: .badWords)
        badWordTokens = try container.decodeIfPresent([TokenSequenceField].self, forKey: .badWordTokens)
        noRepeatNgram = try container.decodeInteger(forKey: .noRepeatNgram)
        forcedOutputTokens = try container.decodeIfPresent([Int].self, forKey: .forcedOutputTokens)
        tokenIndexToReplace = try container.decodeIfPresent([Int].self, forKey: .tokenIndexToReplace)
        embeddingToReplace = try container.decodeIfPresent([Double].self, forKey: .embeddingToReplace)
        encoderRepetitionPenalty = try container.decodeIfPresent(Double.self, forKey: .encoderRepetitionPenalty)
        encoderNoRepeatNgram = try container.decodeInteger(forKey: .encoderNoRepeatNgram)
        parseReasoning = try container.decodeIfPresent(Bool.self, forKey: .parseReasoning)
        includeReasoning = try container.decodeIfPresent(Bool.self, forKey: .includeReasoning)
        reasoningEffort = try container.decodeIfPresent(String.self, forKey: .reasoningEffort)
        reasoningBudget = try container.decodeInteger(forKey: .reasoningBudget)
    }
}

/// `{"tokens": [int]}`: one token sequence of `stop_tokens` or `bad_word_tokens`.
struct TokenSequenceField: Decodable, Equatable {
    var tokens: [Int]
}
