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
    /// XTC ("exclude top choices"): with probability `xtcProbability` per token, every candidate
    /// whose probability in the sampling distribution (after temperature, top-k, top-p and min-p)
    /// is at least `xtcThreshold` is removed except the least likely of them, so nothing happens
    /// unless two or more reach the threshold. Either at 0 turns it off; greedy choices ignore it.
    public var xtcThreshold: Float = 0
    public var xtcProbability: Float = 0
    /// Token sequences the output must not contain: whenever the output ends with all but the last
    /// token of one, that last token is banned (a one-token sequence is always banned). Like
    /// Hugging Face's `bad_words_ids`; the prompt does not count.
    public var bannedSequences: [[Int32]] = []
    /// When 2 or more, no n-gram of this size may occur twice in prompt plus output: a token that
    /// would repeat one is banned. 0 or 1 is off. Like Hugging Face's `no_repeat_ngram_size`.
    public var noRepeatNgramSize: Int = 0

    public init() {}

    /// Whether the choice is deterministic argmax.
    public var isGreedy: Bool { temperature <= 1e-5 || topK == 1 }

    /// Whether XTC can remove candidates.
    public var usesXTC: Bool { xtcThreshold > 0 && xtcProbability > 0 }
}
