import TernSampling
import Testing

@testable import TernEngine

/// Drives the scheduler like the engine does, with a fake model whose "sampled" token is a
/// function of the sequence and its length, so outputs are predictable.
struct FakeEngineLoop {
    var scheduler: Scheduler
    var outputs: [UInt64: [Int32]] = [:]
    var finished: [UInt64: (FinishReason, EngineUsage)] = [:]
    var stepLog: [[ScheduledChunk]] = []

    init(_ configuration: SchedulerConfiguration) { scheduler = Scheduler(configuration: configuration) }

    mutating func add(_ id: UInt64, prompt: [Int32], maxTokens: Int, stop: Set<Int32> = []) throws {
        var parameters = SamplingParameters()
        parameters.temperature = 0
        try scheduler.add(
            id: id, request: EngineRequest(promptTokens: prompt, sampling: parameters, maxTokens: maxTokens, stopTokens: stop),
            sampler: Sampler(parameters: parameters))
    }

    /// One iteration; `next` picks the token a sequence "samples" given its current length.
    mutating func step(next: (UInt64, Int) -> Int32 = { id, length in Int32(1000 + Int(id) * 100 + length) }) {
        let chunks = scheduler.schedule()
        stepLog.append(chunks)
        var sampled: [UInt64: TokenChoice] = [:]
        for chunk in chunks where chunk.wantsLogits {
            let length = scheduler.sequence(chunk.sequenceID)!.tokens.count
            sampled[chunk.sequenceID] = TokenChoice(token: next(chunk.sequenceID, length), logprob: 0, topLogprobs: [])
        }
        for (id, events) in scheduler.complete(chunks, sampled: sampled) {
            for event in events {
                switch event {
                case .token(let choice): outputs[id, default: []].append(choice.token)
                case .finished(let reason, let usage): finished[id] = (reason, usage)
                }
            }
        }
    }

    mutating func runToCompletion(limit: Int = 10_000) {
        var steps = 0
        while scheduler.hasWork && steps < limit {
            step()
            steps += 1
        }
    }
}

@Suite struct SchedulerTests {
    static func config(
        blocks: Int = 64, blockSize: Int = 4, budget: Int = 8, running: Int = 8, waiting: Int = 16, prefix: Bool = true
    ) -> SchedulerConfiguration {
        SchedulerConfiguration(
            blockSize: blockSize, blockCount: blocks, maxBatchTokens: budget, maxRunning: running, maxWaiting: waiting,
            contextLength: 4096, prefixCaching: prefix)
    }

    @Test func longPromptIsPrefilledInChunksWithinTheBudget() throws {
        var loop = FakeEngineLoop(Self.config(budget: 8, running: 1))
        try loop.add(1, prompt: Array(1...20), maxTokens: 2)
        loop.runToCompletion()
        let prefill = loop.stepLog.prefix(3).map { $0.map(\.count) }
        #expect(prefill == [[8], [8], [4]])
        #expect(loop.stepLog[0][0].wantsLogits == false)
        #expect(loop.stepLog[2][0].wantsLogits == true)
        #expect(loop.outputs[1]?.count == 2)
        #expect(loop.finished[1]?.0 == .length)
        #expect(loop.scheduler.pool.usedCount == 0)
    }

    @Test func runningDecodesAreScheduledBeforeNewPrefill() throws {
        var loop = FakeEngineLoop(Self.config(budget: 8))
        try loop.add(1, prompt: [1, 2, 3], maxTokens: 10)
        loop.step()
        try loop.add(2, prompt: Array(1...30), maxTokens: 1)
        loop.step()
        let step = loop.stepLog[1]
        #expect(step.first?.sequenceID == 1)
        #expect(step.first?.count == 1)
        #expect(step.dropFirst().first?.sequenceID == 2)
        #expect(step.map(\.count).reduce(0, +) == 8)
    }

    @Test func admitsInArrivalOrder() throws {
        var loop = FakeEngineLoop(Self.config(budget: 4, running: 1))
        for id in 1...3 { try loop.add(UInt64(id), prompt: [Int32(id)], maxTokens: 1) }
        loop.runToCompletion()
        let order = loop.stepLog.compactMap { $0.first?.sequenceID }
        #expect(order == [1, 2, 3])
    }

    @Test func refusesWhenTheQueueIsFull() throws {
        var loop = FakeEngineLoop(Self.config(waiting: 2))
        try loop.add(1, prompt: [1], maxTokens: 1)
        try loop.add(2, prompt: [1], maxTokens: 1)
        #expect(throws: EngineError.queueFull(retryAfterSeconds: 1)) { try loop.add(3, prompt: [1], maxTokens: 1) }
    }

    @Test func refusesRequestsThatCanNeverFit() {
        var loop = FakeEngineLoop(Self.config(blocks: 4, blockSize: 4))
        #expect(throws: EngineError.promptTooLong(tokens: 17, limit: 16)) {
            try loop.add(1, prompt: Array(1...16), maxTokens: 1)
        }
        #expect(throws: EngineError.emptyPrompt) { try loop.add(2, prompt: [], maxTokens: 1) }
    }

    @Test func preemptsTheNewestRequestWhenBlocksRunOutAndRecomputesIt() throws {
        // 6 blocks of 4 tokens; two requests that each grow to 12 tokens need 3 + 3 blocks at the end,
        // plus the first one's fourth block: something must be preempted.
        var loop = FakeEngineLoop(Self.config(blocks: 5, blockSize: 4, budget: 16))
        try loop.add(1, prompt: Array(1...6), maxTokens: 10)
        try loop.add(2, prompt: Array(11...16), maxTokens: 10)
        loop.runToCompletion()
        #expect(loop.scheduler.preemptionCount > 0)
        #expect(loop.outputs[1]?.count == 10)
        #expect(loop.outputs[2]?.count == 10)
        #expect(loop.finished[1]?.0 == .length)
        #expect(loop.finished[2]?.0 == .length)
        // The fake's tokens depend only on (sequence, length): recomputation must not change them.
        #expect(loop.outputs[2] == (6..<16).map { Int32(1000 + 200 + $0) })
        #expect(loop.scheduler.pool.usedCount == 0)
    }

    @Test func removingARequestFreesItsBlocks() throws {
        var loop = FakeEngineLoop(Self.config(blocks: 8, blockSize: 4, prefix: false))
        try loop.add(1, prompt: Array(1...10), maxTokens: 20)
        loop.step()
        loop.step()
        #expect(loop.scheduler.pool.usedCount > 0)
        let removed = loop.scheduler.remove(1)
        #expect(removed != nil)
        #expect(loop.scheduler.pool.usedCount == 0)
        #expect(!loop.scheduler.hasWork)
    }

    @Test func stopTokenFinishesWithoutBeingEmitted() throws {
        var loop = FakeEngineLoop(Self.config())
        try loop.add(1, prompt: [1, 2], maxTokens: 10, stop: [7])
        loop.step { _, length in length == 4 ? 7 : 5 }
        loop.step { _, length in length == 4 ? 7 : 5 }
        loop.step { _, length in length == 4 ? 7 : 5 }
        #expect(loop.outputs[1] == [5, 5])
        #expect(loop.finished[1]?.0 == .stop)
        #expect(loop.finished[1]?.1 == EngineUsage(promptTokens: 2, completionTokens: 2, cachedPromptTokens: 0))
    }

    @Test func sharedPrefixBlocksAreReusedByLaterRequests() throws {
        var loop = FakeEngineLoop(Self.config(blocks: 32, blockSize: 4, budget: 64))
        let system = Array(Int32(1)...Int32(12))
        try loop.add(1, prompt: system + [100, 101], maxTokens: 1)
        loop.runToCompletion()
        try loop.add(2, prompt: system + [200], maxTokens: 1)
        loop.step()
        let chunk = loop.stepLog.last!.first!
        #expect(chunk.start == 12)
        #expect(chunk.count == 1)
        loop.runToCompletion()
        #expect(loop.finished[2]?.1.cachedPromptTokens == 12)
    }

    @Test func prefixCacheDoesNotChangeOutputs() throws {
        func run(prefix: Bool) throws -> [UInt64: [Int32]] {
            var loop = FakeEngineLoop(Self.config(blocks: 32, blockSize: 4, budget: 16, prefix: prefix))
            for id in 1...4 { try loop.add(UInt64(id), prompt: Array(1...9) + [Int32(id)], maxTokens: 6) }
            loop.runToCompletion()
            return loop.outputs
        }
        #expect(try run(prefix: true) == run(prefix: false))
    }
}

@Suite struct PrefixExactnessTests {
    /// Blocks that hold generated tokens were computed in the one-token float order; a later
    /// request that has those tokens in its prompt computes them in the batched order, so it must
    /// not reuse them (outputs stay identical with and without the cache).
    @Test func blocksOfGeneratedTokensAreNotReusedAsPrompt() throws {
        var loop = FakeEngineLoop(SchedulerTests.config(blocks: 32, blockSize: 4, budget: 64))
        let prompt = Array(Int32(1)...Int32(12))
        try loop.add(1, prompt: prompt, maxTokens: 6)
        loop.runToCompletion()
        let output = try #require(loop.outputs[1])
        try loop.add(2, prompt: prompt + output + [90, 91, 92], maxTokens: 1)
        loop.runToCompletion()
        #expect(loop.finished[2]?.1.cachedPromptTokens == 12)
    }
}
