/// A non-streaming text completion: `object: "text_completion"`. Every choice carries its `seed`
/// and generated `tokens` (the Friendli SDK requires both).
struct CompletionWire: Encodable {
    struct Choice: Encodable {
        var index: Int
        var text: String
        var seed: Int
        var tokens: [Int]
        var finishReason: String
        var logprobs: CompletionLogprobsWire?

        enum CodingKeys: String, CodingKey {
            case index, text, seed, tokens, logprobs
            case finishReason = "finish_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(text, forKey: .text)
            try container.encode(seed, forKey: .seed)
            try container.encode(tokens, forKey: .tokens)
            try container.encode(finishReason, forKey: .finishReason)
            try container.encode(logprobs, forKey: .logprobs)
        }
    }

    var id: String
    var object = "text_completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: UsageWire
}

/// One server-sent event of a streaming text completion (also `object: "text_completion"`).
struct CompletionChunkWire: Encodable {
    struct Choice: Encodable {
        var index: Int
        var text: String
        /// The token this chunk's text came from, when it came from exactly one.
        var token: Int?
        var finishReason: String?
        var logprobs: CompletionLogprobsWire?

        enum CodingKeys: String, CodingKey {
            case index, text, token, logprobs
            case finishReason = "finish_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(text, forKey: .text)
            try container.encodeIfPresent(token, forKey: .token)
            try container.encode(finishReason, forKey: .finishReason)
            try container.encode(logprobs, forKey: .logprobs)
        }
    }

    var id: String
    var object = "text_completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: UsageWire?

    enum CodingKeys: String, CodingKey {
        case id, object, created, model, choices, usage
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(created, forKey: .created)
        try container.encode(model, forKey: .model)
        try container.encode(choices, forKey: .choices)
        try container.encode(usage, forKey: .usage)
    }
}
