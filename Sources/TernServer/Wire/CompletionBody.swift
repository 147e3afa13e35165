/// The body of `POST /v1/completions`: a `prompt` (text, texts or token ids) or `tokens`.
struct CompletionBody: Decodable {
    var model: String?
    var prompt: PromptField?
    var tokens: [Int]?
    var echo: Bool?
    var logprobs: CompletionLogprobsField?
    var generation: GenerationFields

    enum CodingKeys: String, CodingKey {
        case model
        case prompt
        case tokens
        case echo
        case logprobs
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        prompt = try container.decodeIfPresent(PromptField.self, forKey: .prompt)
        tokens = try container.decodeIfPresent([Int].self, forKey: .tokens)
        echo = try container.decodeIfPresent(Bool.self, forKey: .echo)
        logprobs = try container.decodeIfPresent(CompletionLogprobsField.self, forKey: .logprobs)
        generation = try GenerationFields(from: decoder)
    }
}

/// The body of `POST /v1/tokenize`.
struct TokenizeBody: Decodable {
    var model: String?
    var prompt: String
}

/// The body of `POST /v1/detokenize`.
struct DetokenizeBody: Decodable {
    var model: String?
    var tokens: [Int]
}
