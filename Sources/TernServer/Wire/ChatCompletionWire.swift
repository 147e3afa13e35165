/// A non-streaming chat answer: `object: "chat.completion"`.
struct ChatCompletionWire: Encodable {
    struct Choice: Encodable {
        var index: Int
        var content: String
        var finishReason: String
        var logprobs: ChatLogprobsWire?

        enum CodingKeys: String, CodingKey {
            case index, message, logprobs
            case finishReason = "finish_reason"
        }

        private struct Message: Encodable {
            var role = "assistant"
            var content: String
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(Message(content: content), forKey: .message)
            try container.encode(finishReason, forKey: .finishReason)
            // Explicit null when not requested, as the documented examples show.
            try container.encode(logprobs, forKey: .logprobs)
        }
    }

    var id: String
    var object = "chat.completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: UsageWire
}

/// One server-sent event of a streaming chat answer: `object: "chat.completion.chunk"`.
struct ChatCompletionChunkWire: Encodable {
    struct Delta: Encodable {
        var role: String?
        var content: String?
    }

    struct Choice: Encodable {
        var index: Int
        var delta: Delta
        var finishReason: String?
        var logprobs: ChatLogprobsWire?

        enum CodingKeys: String, CodingKey {
            case index, delta, logprobs
            case finishReason = "finish_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
            try container.encode(finishReason, forKey: .finishReason)
            try container.encode(logprobs, forKey: .logprobs)
        }
    }

    var id: String
    var object = "chat.completion.chunk"
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
