/// `usage` of a response: token counts summed over all choices (each prompt counted once).
struct UsageWire: Encodable, Equatable {
    var promptTokens: Int
    var completionTokens: Int
    var totalTokens: Int { promptTokens + completionTokens }
    var cachedTokens: Int

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    private struct Details: Encodable {
        var cachedTokens: Int
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
        try container.encode(Details(cachedTokens: cachedTokens), forKey: .promptTokensDetails)
    }
}

/// A log-probability as JSON allows it: `-inf` (a token the model rules out) becomes -9999, as
/// OpenAI reports it, because JSON has no infinities and the encoder would fail on one.
func wireLogprob(_ value: Float) -> Double {
    guard value.isFinite else { return -9999 }
    return Double(value)
}
