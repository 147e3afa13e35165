import TernEngine

/// A non-streaming chat answer: `object: "chat.completion"`.
struct ChatCompletionWire: Encodable {
    struct Choice: Encodable {
        var index: Int
        /// The answer's text; null when the answer is only tool calls.
        var content: String?
        /// The tool calls the answer made (left out when it made none).
        var toolCalls: [ToolCallWire]?
        var finishReason: String
        var logprobs: ChatLogprobsWire?

        enum CodingKeys: String, CodingKey {
            case index, message, logprobs
            case finishReason = "finish_reason"
        }

        init(
            index: Int, content: String?, toolCalls: [ToolCallWire]? = nil, finishReason: String,
            logprobs: ChatLogprobsWire?
        ) {
            self.index = index
            self.content = content
            self.toolCalls = toolCalls
            self.finishReason = finishReason
            self.logprobs = logprobs
        }

        /// The answer of one finished choice; with `parsesToolCalls`, its calls are split out of
        /// the text (and a choice that called a tool finishes with `"tool_calls"`).
        init(_ choice: ChoiceAccumulator, index: Int, parsesToolCalls: Bool, logprobs: ChatLogprobsWire?) {
            let finish = choice.finish ?? .stop
            guard parsesToolCalls else {
                self.init(index: index, content: choice.text, finishReason: finish.wireValue, logprobs: logprobs)
                return
            }
            let answer = ParsedAnswer(choice.text)
            let calls = answer.toolCalls.isEmpty ? nil : answer.toolCalls
            self.init(
                index: index, content: answer.content, toolCalls: calls,
                finishReason: finish == .stop && calls != nil ? "tool_calls" : finish.wireValue, logprobs: logprobs)
        }

        private struct Message: Encodable {
            var content: String?
            var toolCalls: [ToolCallWire]?

            enum CodingKeys: String, CodingKey {
                case role, content
                case toolCalls = "tool_calls"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode("assistant", forKey: .role)
                // Explicit null when the answer is only tool calls, as OpenAI sends it.
                try container.encode(content, forKey: .content)
                try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(Message(content: content, toolCalls: toolCalls), forKey: .message)
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
        var toolCalls: [ToolCallDeltaWire]?

        enum CodingKeys: String, CodingKey {
            case role, content
            case toolCalls = "tool_calls"
        }
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
