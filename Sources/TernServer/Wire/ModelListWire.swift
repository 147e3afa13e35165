import TernEngine

/// `GET /v1/models`: OpenAI's list shape (`object`, `data[].object`, `owned_by`) with every item
/// field the Friendli SDK (0.16) requires of a catalog entry.
struct ModelListWire: Encodable {
    var object = "list"
    var data: [Item]

    struct Item: Encodable {
        var id: String
        var object = "model"
        var ownedBy = "tern"
        var name: String
        var created: Int
        var contextLength: Int
        var maxCompletionTokens: Int
        var pricing = Pricing()
        var functionality = Functionality(chat: false)
        var description: String
        var deprecationDate: String?
        var reasoning = false
        var reasoningOptions: [String]?
        var inputModalities = ["text"]
        var outputModalities = ["text"]
        var interleaved = false
        var baseModel: String?
        var mode: String
        var defaultParams = DefaultParams()
        var huggingFaceURL = ""
        var huggingFaceID = ""
        var license = ""
        /// Tern's own additions: the GGUF architecture and the other ids that route here.
        var architecture: String
        var aliases: [String]

        enum CodingKeys: String, CodingKey {
            case id, object, name, created, pricing, functionality, description, reasoning, interleaved, mode, license
            case architecture, aliases
            case ownedBy = "owned_by"
            case contextLength = "context_length"
            case maxCompletionTokens = "max_completion_tokens"
            case deprecationDate = "deprecation_date"
            case reasoningOptions = "reasoning_options"
            case inputModalities = "input_modalities"
            case outputModalities = "output_modalities"
            case baseModel = "base_model"
            case defaultParams = "default_params"
            case huggingFaceURL = "hugging_face_url"
            case huggingFaceID = "hugging_face_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(object, forKey: .object)
            try container.encode(ownedBy, forKey: .ownedBy)
            try container.encode(name, forKey: .name)
            try container.encode(created, forKey: .created)
            try container.encode(contextLength, forKey: .contextLength)
            try container.encode(maxCompletionTokens, forKey: .maxCompletionTokens)
            try container.encode(pricing, forKey: .pricing)
            try container.encode(functionality, forKey: .functionality)
            try container.encode(description, forKey: .description)
            // The SDK requires these keys even when they are null.
            try container.encode(deprecationDate, forKey: .deprecationDate)
            try container.encode(reasoning, forKey: .reasoning)
            try container.encode(reasoningOptions, forKey: .reasoningOptions)
            try container.encode(inputModalities, forKey: .inputModalities)
            try container.encode(outputModalities, forKey: .outputModalities)
            try container.encode(interleaved, forKey: .interleaved)
            try container.encode(baseModel, forKey: .baseModel)
            try container.encode(mode, forKey: .mode)
            try container.encode(defaultParams, forKey: .defaultParams)
            try container.encode(huggingFaceURL, forKey: .huggingFaceURL)
            try container.encode(architecture, forKey: .architecture)
            try container.encode(aliases, forKey: .aliases)
            try container.encode(huggingFaceID, forKey: .huggingFaceID)
            try container.encode(license, forKey: .license)
        }
    }

    /// Self-hosted: every price is zero (strings, as the catalog sends them).
    struct Pricing: Encodable {
        var input = "0"
        var output = "0"
        var prompt = "0"
        var completion = "0"
        var inputCacheRead: String? = nil
        var cacheWrite: String? = nil
        var audioMinute: String? = nil

        enum CodingKeys: String, CodingKey {
            case input, output, prompt, completion
            case inputCacheRead = "input_cache_read"
            case cacheWrite = "cache_write"
            case audioMinute = "audio_minute"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(input, forKey: .input)
            try container.encode(output, forKey: .output)
            try container.encode(prompt, forKey: .prompt)
            try container.encode(completion, forKey: .completion)
            try container.encode(inputCacheRead, forKey: .inputCacheRead)
            try container.encode(cacheWrite, forKey: .cacheWrite)
            try container.encode(audioMinute, forKey: .audioMinute)
        }
    }

    /// What the server supports: structured output on every model (chat and completions),
    /// tool calling on models with a chat template.
    struct Functionality: Encodable {
        var toolCall = false
        var parallelToolCall = false
        var structuredOutput = true
        var toolChoice = false
        var systemMessages = true
        var builtinTool = false

        enum CodingKeys: String, CodingKey {
            case toolCall = "tool_call"
            case parallelToolCall = "parallel_tool_call"
            case structuredOutput = "structured_output"
            case toolChoice = "tool_choice"
            case systemMessages = "system_messages"
            case builtinTool = "builtin_tool"
        }

        /// Tool calling (with `tool_choice` and parallel calls) needs a chat template.
        init(chat: Bool) {
            toolCall = chat
            parallelToolCall = chat
            toolChoice = chat
        }
    }

    /// The sampling defaults requests get when they leave a field out.
    struct DefaultParams: Encodable {
        var repetitionPenalty = 1.0
        var temperature = 1.0
        var topP = 1.0
        var minP = 0.0
        var topK = 0

        enum CodingKeys: String, CodingKey {
            case temperature
            case repetitionPenalty = "repetition_penalty"
            case topP = "top_p"
            case minP = "min_p"
            case topK = "top_k"
        }
    }

    init(models: [any ServedModel]) {
        data = models.map { model in
            let description = model.description
            return Item(
                id: description.name, name: description.name, created: description.created,
                contextLength: model.maxSequenceTokens, maxCompletionTokens: max(1, model.maxSequenceTokens - 1),
                functionality: Functionality(chat: description.chatTemplate != nil),
                description: "\(description.architecture) model served by Tern",
                mode: description.chatTemplate == nil ? "completion" : "chat", architecture: description.architecture,
                aliases: description.aliases)
        }
    }
}

/// `POST /v1/tokenize` answer.
struct TokenizeWire: Encodable {
    var tokens: [Int]
}

/// `POST /v1/detokenize` and `POST /v1/chat/render` answers.
struct TextWire: Encodable {
    var text: String
}

/// `GET /health` answer.
struct HealthWire: Encodable {
    var status: String
    var models: [String]
}
