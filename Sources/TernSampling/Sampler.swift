#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The token a sampler chose, with its log-probability under the processed distribution and,
/// when asked, the most likely alternatives.
public struct TokenChoice: Sendable, Equatable {
    public var token: Int32
    public var logprob: Float
    public var topLogprobs: [(token: Int32, logprob: Float)]

    public init(token: Int32, logprob: Float, topLogprobs: [(token: Int32, logprob: Float)]) {
        self.token = token
        self.logprob = logprob
        self.topLogprobs = topLogprobs
    }

    public static func == (a: TokenChoice, b: TokenChoice) -> Bool {
        a.token == b.token && a.logprob == b.logprob
            && a.topLogprobs.map(\.token) == b.topLogprobs.map(\.token)
            && a.topLogprobs.map(\.logprob) == b.topLogprobs.map(\.logprob)
    }
}

/// Chooses tokens for one request: logit bias, penalties, min-tokens, banned sequences and
/// no-repeat n-grams first, then greedy or top-k / temperature / top-p / min-p / XTC sampling with
/// the request's own seeded generator.
/// Log-probabilities are reported from the logits after bias and penalties, before temperature
/// and truncation (what the model "thinks", not the sampling distribution).
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var generator: SeededGenerator
    private var outputCounts: [Int32: Int] = [:]
    private var seen: Set<Int32>
    private let endTokens: Set<Int32>
    private var bans: TokenBans
    public private(set) var generatedCount = 0
    /// The grammar the output must follow (structured outputs, forced tool calls), if any.
    public private(set) var constraint: GrammarMatcher?
    private var mask: TokenMask?

    /// - Parameters:
    ///   - promptTokens: the prompt, for the repetition penalty and no-repeat n-grams.
    ///   - endTokens: tokens suppressed until `minTokens` tokens were generated.
    ///   - constraint: a grammar matcher; every sampled token keeps the output inside its language.
    public init(
        parameters: SamplingParameters, promptTokens: [Int32] = [], endTokens: Set<Int32> = [],
        constraint: GrammarMatcher? = nil
    ) {
        self.parameters = parameters
        generator = SeededGenerator(seed: parameters.seed ?? UInt64.random(in: .min ... .max))
        seen = parameters.repetitionPenalty != 1 ? Set(promptTokens) : []
        self.endTokens = endTokens
        self.constraint = constraint
        bans = TokenBans(
            sequences: parameters.bannedSequences, ngramSize: parameters.noRepeatNgramSize, prompt: promptTokens)
    }

    /// Whether the constraint (if any) is satisfied: the output so far is a complete sentence of
    /// its grammar, so ending here leaves valid output.
    public var constraintSatisfied: Bool { constraint?.isAccepting ?? true }

    /// Applies bias, penalties, the min-tokens rule, token bans and the grammar mask to `logits` in place.
    public mutating func process(_ logits: UnsafeMutableBufferPointer<Float>) {
        applyBiasAndPenalties(logits)
        if constraint != nil {
            if mask == nil || mask!.count != logits.count { mask = TokenMask(count: logits.count) }
            constraint!.allowedTokens(into: &mask!)
            mask!.apply(to: logits)
        }
    }

    private func applyBiasAndPenalties(_ logits: UnsafeMutableBufferPointer<Float>) {
        for (token, bias) in parameters.logitBias where Int(token) >= 0 && Int(token) < logits.count {
            logits[Int(token)] += bias
        }
        let penalty = parameters.repetitionPenalty
        if penalty != 1 {
            for token in seen where Int(token) < logits.count {
                let value = logits[Int(token)]
                logits[Int(token)] = value > 0 ? value / penalty : value * penalty
            }
        }
        if parameters.presencePenalty != 0 || parameters.frequencyPenalty != 0 {
            for (token, count) in outputCounts where Int(token) < logits.count {
                logits[Int(token)] -= parameters.presencePenalty + parameters.frequencyPenalty * Float(count)
            }
        }
        if generatedCount < parameters.minTokens {
            for token in endTokens where Int(token) >= 0 && Int(token) < logits.count {
                logits[Int(token)] = -.infinity
            }
        }
        bans.forEachBanned { token in
            if Int(token) >= 0 && Int(token) < logits.count { logits[Int(token)] = -.infinity }
        }
    }

    /// Chooses the next token from raw `logits` (modified in place by `process`).
    /// - Parameters:
    ///   - logprobs: compute the chosen token's log-probability.
    ///   - topLogprobs: how many alternatives to report (0...20).
    public mutating func sample(
        _ logits: UnsafeMutableBufferPointer<Float>, logprobs: Bool = false, topLogprobs: Int = 0
    ) -> TokenChoice {
        process(logits)
        let best = Self.argmax(logits)
        let token: Int32
        if parameters.isGreedy {
            token = Int32(best)
        } else {
            token = Int32(drawTruncated(logits, maxIndex: best))
        }
        var choice = TokenChoice(token: token, logprob: 0, topLogprobs: [])
        if logprobs || topLogprobs > 0 {
            let normalizer = Self.logSumExp(logits, max: logits[best])
            choice.logprob = logits[Int(token)] - normalizer
            if topLogprobs > 0 {
                choice.topLogprobs = Self.topIndices(logits, count: topLogprobs).map {
                    (Int32($0), logits[$0] - normalizer)
                }
            }
        }
        return choice
    }

    /// Records a token the request emitted (for the penalties, min-tokens and the grammar).
    public mutating func accept(_ token: Int32) {
        if constraint != nil { _ = constraint!.accept(token) }
        generatedCount += 1
        bans.append(token)
        outputCounts[token, default: 0] += 1
        if parameters.repetitionPenalty != 1 { seen.insert(token) }
    }

    // MARK: - Truncated sampling

    private mutating func drawTruncated(_ logits: UnsafeMutableBufferPointer<Float>, maxIndex: Int) -> Int {
        let p = parameters
        let inverseTemperature = 1 / p.temperature
        let maxLogit = logits[maxIndex]
        guard maxLogit.isFinite else { return maxIndex }
        // Tokens more than e^-20 less likely than the best cannot matter after truncation; the
        // denominator still covers the whole vocabulary.
        let cutoff = maxLogit - 20 * p.temperature
        var candidates: [(index: Int, weight: Float)] = []
        var total: Float = 0
        for index in 0..<logits.count {
            let value = logits[index]
            guard value > -.infinity else { continue }
            let weight = expf((value - maxLogit) * inverseTemperature)
            total += weight
            if value >= cutoff { candidates.append((index, weight)) }
        }
        candidates.sort { $0.weight > $1.weight || ($0.weight == $1.weight && $0.index < $1.index) }
        var keep = candidates.count
        if p.topK > 0 { keep = min(keep, p.topK) }
        if p.topP < 1 {
            var cumulative: Float = 0
            for position in 0..<keep {
                cumulative += candidates[position].weight
                if cumulative >= p.topP * total {
                    keep = position + 1
                    break
                }
            }
        }
        if p.minP > 0 {
            let floor = p.minP * candidates[0].weight
            var position = 1
            while position < keep, candidates[position].weight >= floor { position += 1 }
            keep = position
        }
        keep = max(1, keep)
        if p.usesXTC && keep > 1 { Self.excludeTopChoices(&candidates, keep: &keep, p, &generator) }
        var kept: Float = 0
        for position in 0..<keep { kept += candidates[position].weight }
        let target = generator.nextUnitFloat() * kept
        var cumulative: Float = 0
        for position in 0..<keep {
            cumulative += candidates[position].weight
            if target < cumulative { return candidates[position].index }
        }
        return candidates[keep - 1].index
    }

    /// XTC: with probability `xtcProbability`, drops every kept candidate (sorted best first) whose
    /// share of the kept weight reaches `xtcThreshold`, except the last of them.
    private static func excludeTopChoices(
        _ candidates: inout [(index: Int, weight: Float)], keep: inout Int, _ p: SamplingParameters,
        _ generator: inout SeededGenerator
    ) {
        guard generator.nextUnitFloat() < p.xtcProbability else { return }
        var total: Float = 0
        for position in 0..<keep { total += candidates[position].weight }
        let floor = p.xtcThreshold * total
        var above = 0
        while above < keep, candidates[above].weight >= floor { above += 1 }
        guard above >= 2 else { return }
        candidates.removeFirst(above - 1)
        keep -= above - 1
    }

    // MARK: - Helpers

    /// Index of the largest logit (the lowest index on ties).
    public static func argmax(_ logits: UnsafeMutableBufferPointer<Float>) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for index in 0..<logits.count where logits[index] > bestValue {
            bestValue = logits[index]
            best = index
        }
        return best
    }

    static func logSumExp(_ logits: UnsafeMutableBufferPointer<Float>, max: Float) -> Float {
        guard max.isFinite else { return max }
        var sum: Double = 0
        for value in logits { sum += Double(expf(value - max)) }
        return max + Float(log(sum))
    }

    /// Indices of the `count` largest logits, best first (ties: lower index first).
    static func topIndices(_ logits: UnsafeMutableBufferPointer<Float>, count: Int) -> [Int] {
        var top: [Int] = []
        top.reserveCapacity(count + 1)
        for index in 0..<logits.count {
            let value = logits[index]
            if top.count == count, let last = top.last, logits[last] >= value { continue }
            var position = top.count
            while position > 0, logits[top[position - 1]] < value { position -= 1 }
            top.insert(index, at: position)
            if top.count > count { top.removeLast() }
        }
        return top
    }
}
