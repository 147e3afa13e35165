/// How to choose each next token. Defaults are the API's: temperature 1, no truncation, no
/// penalties.
public struct SamplingParameters: Sendable, Equatable {
    /// 0 means greedy (argmax).
    public var temperature: Float = 1
    /// Keep the `topK` most likely tokens (0 = off).
    public var topK: Int = 0
    /// Keep the smallest set of tokens whose probability reaches `topP` (1 = off).
    public var topP: Float = 1
    /// Drop tokens whose probability is below `minP` times the best token's (0 = off).
    public var minP: Float = 0
    /// Seed of the request's random generator; nil draws one at random.
    public var seed: UInt64?
    /// OpenAI-style: subtract `presencePenalty` once and `frequencyPenalty` per occurrence from the
    /// logit of every token already generated.
    public var presencePenalty: Float = 0
    public var frequencyPenalty: Float = 0
    /// Keskar-style, over prompt and output: divide positive logits by it, multiply negative ones (1 = off).
    public var repetitionPenalty: Float = 1
    /// Added to the logits of the given token ids.
    public var logitBias: [Int32: Float] = [:]
    /// End-of-generation tokens are suppressed until this many tokens have been generated.
    public var minTokens: Int = 0

    public init() {}

    /// Whether the choice is deterministic argmax.
    public var isGreedy: Bool { temperature <= 1e-5 || topK == 1 }
}
