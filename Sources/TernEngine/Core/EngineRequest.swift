import TernSampling

/// What a caller asks the engine to generate: token ids in, token ids out.
public struct EngineRequest: Sendable {
    public var promptTokens: [Int32]
    public var sampling: SamplingParameters
    /// Generated tokens at most (the engine also stops at the context length).
    public var maxTokens: Int
    /// Tokens that end generation (end-of-generation tokens plus any extra `eos_token`s); empty
    /// with `ignore_eos`. The stop token itself is not part of the output.
    public var stopTokens: Set<Int32>
    /// Return each chosen token's log-probability, and this many alternatives.
    public var logprobs: Bool
    public var topLogprobs: Int
    /// Grammar-constrained decoding (structured outputs, forced tool calls), if any. A constrained
    /// request finishes with `.stop` as soon as its output is complete (only an end token could
    /// follow) or the grammar accepted an end token, whether or not that token is a stop token.
    public var constraint: OutputConstraint?

    public init(
        promptTokens: [Int32], sampling: SamplingParameters = SamplingParameters(), maxTokens: Int,
        stopTokens: Set<Int32> = [], logprobs: Bool = false, topLogprobs: Int = 0, constraint: OutputConstraint? = nil
    ) {
        self.promptTokens = promptTokens
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stopTokens = stopTokens
        self.logprobs = logprobs
        self.topLogprobs = topLogprobs
        self.constraint = constraint
    }
}

/// Why a request stopped.
public enum FinishReason: String, Sendable, Equatable {
    /// A stop token (or, above the engine, a stop string).
    case stop
    /// `maxTokens` or the context length was reached.
    case length
    /// The caller cancelled (for example the client disconnected).
    case cancelled
}

/// Token counts of a finished request.
public struct EngineUsage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Prompt tokens whose keys/values came from the prefix cache.
    public var cachedPromptTokens: Int

    public init(promptTokens: Int, completionTokens: Int, cachedPromptTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
    }
}

/// What the engine streams back for a request.
public enum EngineEvent: Sendable, Equatable {
    case token(TokenChoice)
    case finished(FinishReason, EngineUsage)
}

/// Why the engine refused a request.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    case queueFull(retryAfterSeconds: Int)
    case promptTooLong(tokens: Int, limit: Int)
    case emptyPrompt
    case shuttingDown

    public var description: String {
        switch self {
        case .queueFull: return "the server is busy: the request queue is full, retry later"
        case .promptTooLong(let tokens, let limit):
            return "the request needs \(tokens) tokens of context but at most \(limit) fit"
        case .emptyPrompt: return "the prompt is empty"
        case .shuttingDown: return "the server is shutting down"
        }
    }
}
