import TernEngine
import TernSampling
import Testing

/// The scheduler ends a constrained request as soon as its output is complete, and never lets an
/// end token the grammar accepted into the output (even when it is not a stop token, as with
/// `ignore_eos`), so a constrained output cannot be corrupted after its end.
@Suite struct ConstrainedFinishTests {
    static let vocabulary = GrammarVocabulary(tokenizer: FakeTokenizer())

    static func byte(_ character: Character) -> Int32 { FakeTokenizer.byteBase + Int32(character.asciiValue!) }

    /// Runs `tokens` through a scheduler as the sampled tokens of one request constrained to
    /// `regex`; returns the events.
    static func run(regex: String, stopTokens: Set<Int32>, tokens: [Int32]) throws -> [EngineEvent] {
        let constraint = OutputConstraint(grammar: try CompiledGrammar(.regex(regex)), vocabulary: vocabulary)
        var scheduler = Scheduler(
            configuration: SchedulerConfiguration(blockSize: 16, blockCount: 32, contextLength: 512))
        let request = EngineRequest(
            promptTokens: [FakeTokenizer.hello], maxTokens: 10, stopTokens: stopTokens, constraint: constraint)
        let sampler = Sampler(
            parameters: SamplingParameters(), promptTokens: request.promptTokens, endTokens: stopTokens,
            constraint: constraint.makeMatcher())
        try scheduler.add(id: 1, request: request, sampler: sampler)
        var events: [EngineEvent] = []
        for token in tokens {
            let chunks = scheduler.schedule()
            guard !chunks.isEmpty else { break }
            for (_, list) in scheduler.complete(
                chunks, sampled: [1: TokenChoice(token: token, logprob: 0, topLogprobs: [])])
            {
                events += list
            }
        }
        return events
    }

    @Test func aCompleteOutputFinishesWithoutWaitingForAnEndToken() throws {
        let events = try Self.run(
            regex: "ab", stopTokens: [], tokens: [Self.byte("a"), Self.byte("b"), Self.byte("c")])
        let tokens: [EngineEvent] = [
            .token(TokenChoice(token: Self.byte("a"), logprob: 0, topLogprobs: [])),
            .token(TokenChoice(token: Self.byte("b"), logprob: 0, topLogprobs: [])),
        ]
        #expect(Array(events.prefix(2)) == tokens)
        guard case .finished(.stop, let usage)? = events.last, events.count == 3 else {
            Issue.record("expected a stop after two tokens: \(events)")
            return
        }
        #expect(usage.completionTokens == 2)
    }

    @Test func anEndTokenThatIsNotAStopTokenStillEndsTheOutput() throws {
        let events = try Self.run(
            regex: "a+", stopTokens: [], tokens: [Self.byte("a"), FakeTokenizer.eos, Self.byte("a")])
        #expect(events.count == 2)
        #expect(events.first == .token(TokenChoice(token: Self.byte("a"), logprob: 0, topLogprobs: [])))
        guard case .finished(.stop, let usage)? = events.last else {
            Issue.record("expected a stop: \(events)")
            return
        }
        #expect(usage.completionTokens == 1)
    }
}
