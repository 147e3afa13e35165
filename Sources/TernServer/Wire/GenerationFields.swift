import TernTemplates

/// The generation fields chat and text completions share, decoded from the same JSON object as
/// the rest of the body. Every field is optional and `null` means unset; unknown keys are ignored.
/// Values are checked later by ``GenerationSettings``: decoding only rejects wrong types.
struct GenerationFields: Decodable {
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var maxTotalTokens: Int?
    var minTokens: Int?
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var minP: Double?
    var xtcThreshold: Double?
    var xtcProbability: Double?
    var n: Int?
    var stop: StopField?
    var seed: SeedField?
    var stream: Bool?
    var streamOptions: StreamOptionsField?
    var presencePenalty: Double?
    var frequencyPenalty: Double?
    var repetitionPenalty: Double?
    var logitBias: [String: Double]?
    var eosToken: [Int]?
    var ignoreEOS: Bool?
    /// The hosted API's completions and reasoning extras (`stop_tokens`, `bad_words`, ...).
    var extra = ExtraGenerationFields()
    /// Accepted as a no-op only when absent, `null` or `{"type": "text"}`.
    var responseFormat: TemplateValue?
    /// Accepted as a no-op only when absent, `null` or empty.
    var tools: TemplateValue?
    var toolChoice: TemplateValue?
    var parallelToolCalls: Bool?

    enum CodingKeys: String, CodingKey {
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case maxTotalTokens = "max_total_tokens"
        case minTokens = "min_tokens"
        case temperature
        case topP = "top_p"
        case topK = "top_k"
        case minP = "min_p"
        case xtcThreshold = "xtc_threshold"
        case xtcProbability = "xtc_probability"
        case n
        case stop
        case seed
        case stream
        case streamOptions = "stream_options"
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case repetitionPenalty = "repetition_penalty"
        case logitBias = "logit_bias"
        case eosToken = "eos_token"
        case ignoreEOS = "ignore_eos"
        case responseFormat = "response_format"
        case tools
        case toolChoice = "tool_choice"
        case parallelToolCalls = "parallel_tool_calls"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxTokens = try container.decodeInteger(forKey: .maxTokens)
        maxCompletionTokens = try container.decodeInteger(forKey: .maxCompletionTokens)
        maxTotalTokens = try container.decodeInteger(forKey: .maxTotalTokens)
        minTokens = try container.decodeInteger(forKey: .minTokens)
        temperature = try container.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try container.decodeIfPresent(Double.self, forKey: .topP)
        topK = try container.decodeInteger(forKey: .topK)
        minP = try container.decodeIfPresent(Double.self, forKey: .minP)
        xtcThreshold = try container.decodeIfPresent(Double.self, forKey: .xtcThreshold)
        xtcProbability = try container.decodeIfPresent(Double.self, forKey: .xtcProbability)
        n = try container.decodeInteger(forKey: .n)
        stop = try container.decodeIfPresent(StopField.self, forKey: .stop)
        seed = try container.decodeIfPresent(SeedField.self, forKey: .seed)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        streamOptions = try container.decodeIfPresent(StreamOptionsField.self, forKey: .streamOptions)
        presencePenalty = try container.decodeIfPresent(Double.self, forKey: .presencePenalty)
        frequencyPenalty = try container.decodeIfPresent(Double.self, forKey: .frequencyPenalty)
        repetitionPenalty = try container.decodeIfPresent(Double.self, forKey: .repetitionPenalty)
        logitBias = try container.decodeIfPresent([String: Double].self, forKey: .logitBias)
        eosToken = try container.decodeIfPresent([Int].self, forKey: .eosToken)
        ignoreEOS = try container.decodeIfPresent(Bool.self, forKey: .ignoreEOS)
        extra = try ExtraGenerationFields(from: decoder)
        responseFormat = try container.decodeIfPresent(TemplateValue.self, forKey: .responseFormat)
        tools = try container.decodeIfPresent(TemplateValue.self, forKey: .tools)
        toolChoice = try container.decodeIfPresent(TemplateValue.self, forKey: .toolChoice)
        parallelToolCalls = try container.decodeIfPresent(Bool.self, forKey: .parallelToolCalls)
    }
}
