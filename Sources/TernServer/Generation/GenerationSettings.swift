import TernEngine
import TernSampling
import TernTemplates
import TernTokenizers

/// Validated generation options of one request: everything needed to build the engine requests of
/// its choices except the prompt. Building one checks every range and answers 422 on the first
/// value out of range, naming the field.
struct GenerationSettings {
    var sampling = SamplingParameters()
    var maxTokens: Int?
    var maxTotalTokens: Int?
    var stopStrings: [String] = []
    var stopTokens: Set<Int32> = []
    var n = 1
    var seed: SeedField?
    var logprobs = false
    var topLogprobs = 0
    var stream = false
    var includeUsage = false
    /// `min_total_tokens`: end-of-generation is suppressed until prompt plus output reach it.
    var minTotalTokens: Int?

    /// - Parameters:
    ///   - logprobs: whether per-token log-probabilities were asked for.
    ///   - topLogprobs: alternatives per position (already range-checked by the caller's field rules).
    init(
        _ fields: GenerationFields, logprobs: Bool, topLogprobs: Int, tokenizer: any Tokenizer,
        configuration: ServerConfiguration
    ) throws(APIError) {
        if let value = fields.maxCompletionTokens ?? fields.maxTokens {
            let name = fields.maxCompletionTokens != nil ? "max_completion_tokens" : "max_tokens"
            guard value >= 1 else { throw .invalid("'\(name)' must be at least 1, got \(value)", param: name) }
            maxTokens = value
        }
        if let value = fields.maxTotalTokens {
            guard maxTokens == nil else {
                throw .invalid("give either 'max_tokens' or 'max_total_tokens', not both", param: "max_total_tokens")
            }
            guard value >= 1 else {
                throw .invalid("'max_total_tokens' must be at least 1, got \(value)", param: "max_total_tokens")
            }
            maxTotalTokens = value
        }
        if let value = fields.minTokens {
            guard value >= 0 else {
                throw .invalid("'min_tokens' must be 0 or more, got \(value)", param: "min_tokens")
            }
            if let maxTokens, value > maxTokens {
                throw .invalid(
                    "'min_tokens' (\(value)) is larger than 'max_tokens' (\(maxTokens))", param: "min_tokens")
            }
            sampling.minTokens = value
        }
        if let value = fields.temperature {
            try Self.check(value, in: 0...2, "temperature")
            sampling.temperature = Float(value)
        }
        if let value = fields.topP {
            guard value > 0 && value <= 1 else {
                throw .invalid("'top_p' must be in (0, 1], got \(value)", param: "top_p")
            }
            sampling.topP = Float(value)
        }
        if let value = fields.topK {
            guard value >= 0 else { throw .invalid("'top_k' must be 0 (off) or more, got \(value)", param: "top_k") }
            sampling.topK = value
        }
        if let value = fields.minP {
            try Self.check(value, in: 0...1, "min_p")
            sampling.minP = Float(value)
        }
        if let value = fields.xtcThreshold {
            try Self.check(value, in: 0...1, "xtc_threshold")
            sampling.xtcThreshold = Float(value)
        }
        if let value = fields.xtcProbability {
            try Self.check(value, in: 0...1, "xtc_probability")
            sampling.xtcProbability = Float(value)
        }
        if let value = fields.presencePenalty {
            try Self.check(value, in: -2...2, "presence_penalty")
            sampling.presencePenalty = Float(value)
        }
        if let value = fields.frequencyPenalty {
            try Self.check(value, in: -2...2, "frequency_penalty")
            sampling.frequencyPenalty = Float(value)
        }
        if let value = fields.repetitionPenalty {
            guard value > 0 else {
                throw .invalid("'repetition_penalty' must be greater than 0, got \(value)", param: "repetition_penalty")
            }
            sampling.repetitionPenalty = Float(value)
        }
        if let value = fields.n {
            guard (1...configuration.maxChoices).contains(value) else {
                throw .invalid("'n' must be between 1 and \(configuration.maxChoices), got \(value)", param: "n")
            }
            n = value
        }
        if let stop = fields.stop?.strings {
            guard stop.count <= configuration.maxStopStrings else {
                throw .invalid(
                    "'stop' has \(stop.count) entries; at most \(configuration.maxStopStrings) are allowed",
                    param: "stop")
            }
            stopStrings = stop.filter { !$0.isEmpty }
        }
        if case .perChoice(let seeds) = fields.seed, seeds.count != n {
            throw .invalid("'seed' lists \(seeds.count) seeds but 'n' is \(n): give one seed per choice", param: "seed")
        }
        seed = fields.seed
        sampling.logitBias = try Self.logitBias(fields.logitBias, vocabularySize: tokenizer.vocabularySize)
        if fields.ignoreEOS != true {
            stopTokens = tokenizer.endOfGenerationTokenIDs
        }
        for (index, id) in (fields.eosToken ?? []).enumerated() {
            guard (0..<tokenizer.vocabularySize).contains(id) else {
                throw .invalid(
                    "'eos_token[\(index)]' is \(id), not a token id (0..<\(tokenizer.vocabularySize))",
                    param: "eos_token")
            }
            stopTokens.insert(Int32(id))
        }
        try apply(fields.extra, minTokensGiven: fields.minTokens != nil, tokenizer: tokenizer)
        self.logprobs = logprobs
        self.topLogprobs = topLogprobs
        stream = fields.stream ?? false
        includeUsage = stream && fields.streamOptions?.includeUsage == true
    }

    /// The generation budget for a prompt of `promptTokens` tokens on a model that fits `limit`
    /// tokens per sequence.
    func maxTokens(promptTokens: Int, limit: Int, defaultCap: Int) throws(APIError) -> Int {
        let room = limit - promptTokens
        guard room >= 1 else {
            throw .invalid(
                "the prompt is \(promptTokens) tokens but this model fits at most \(limit) tokens of prompt and "
                    + "output together; shorten the prompt", param: "messages", code: "context_length_exceeded")
        }
        if let maxTotalTokens {
            guard maxTotalTokens > promptTokens else {
                throw .invalid(
                    "'max_total_tokens' (\(maxTotalTokens)) leaves no room after the \(promptTokens)-token prompt",
                    param: "max_total_tokens")
            }
            return min(maxTotalTokens - promptTokens, room)
        }
        guard let maxTokens else { return min(room, max(1, defaultCap)) }
        guard maxTokens <= room else {
            throw .invalid(
                "the prompt (\(promptTokens) tokens) plus 'max_tokens' (\(maxTokens)) exceeds this model's limit of "
                    + "\(limit) tokens; lower max_tokens to at most \(room)", param: "max_tokens",
                code: "context_length_exceeded")
        }
        return maxTokens
    }

    /// The seed of each choice: the given one plus the choice index, the per-choice list, or random.
    func seeds() -> [Int] {
        switch seed {
        case .single(let base): (0..<n).map { base &+ $0 }
        case .perChoice(let seeds): seeds
        case nil: (0..<n).map { _ in Int(UInt32.random(in: .min ... .max)) }
        }
    }

    /// The engine request of one choice.
    func engineRequest(prompt: [Int32], maxTokens: Int, seed: Int) -> EngineRequest {
        var parameters = sampling
        parameters.seed = UInt64(bitPattern: Int64(seed))
        if let minTotalTokens {
            parameters.minTokens = min(max(parameters.minTokens, minTotalTokens - prompt.count), maxTokens)
        }
        return EngineRequest(
            promptTokens: prompt, sampling: parameters, maxTokens: maxTokens, stopTokens: stopTokens,
            logprobs: logprobs, topLogprobs: topLogprobs)
    }

    private static func check(_ value: Double, in range: ClosedRange<Double>, _ name: String) throws(APIError) {
        guard range.contains(value) else {
            throw .invalid(
                "'\(name)' must be between \(range.lowerBound.formatted) and \(range.upperBound.formatted), got \(value)",
                param: name)
        }
    }

    private static func logitBias(_ bias: [String: Double]?, vocabularySize: Int) throws(APIError) -> [Int32: Float] {
        var result: [Int32: Float] = [:]
        for (key, value) in bias ?? [:] {
            guard let id = Int(key), (0..<vocabularySize).contains(id) else {
                throw .invalid(
                    "'logit_bias' key '\(key)' is not a token id (0..<\(vocabularySize))", param: "logit_bias")
            }
            guard (-100...100).contains(value) else {
                throw .invalid(
                    "'logit_bias' for token \(key) must be between -100 and 100, got \(value)", param: "logit_bias")
            }
            result[Int32(id)] = Float(value)
        }
        return result
    }
}

extension Double {
    /// `2` rather than `2.0` in messages.
    fileprivate var formatted: String {
        rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
