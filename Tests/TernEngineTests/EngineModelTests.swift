import TernEngine
import TernGGUF
import TernModels
import TernSampling
import TernTensor
import TernTokenizers
import Foundation
import TernTestSupport
import Testing

/// The batching engine on the real model: a request's tokens never depend on what runs beside
/// it, on the prefix cache, or on cancellation of others. The suite's tests share one model, so
/// they run one at a time (a model runs one forward pass at a time).
@Suite(.serialized) struct EngineModelTests {
    nonisolated(unsafe) static var cachedModel: (any LanguageModel)?

    static func model() throws -> any LanguageModel {
        if let cachedModel { return cachedModel }
        let model = try ModelFactory.load(file: GGUFFile(path: TestResources.modelPath()), pool: ThreadPool(threadCount: 2))
        cachedModel = model
        return model
    }

    static let prompts: [[Int32]] = [
        [504, 2365, 6354, 16438, 27003, 690, 260, 23790, 2767, 30],
        [504, 3575, 282, 4649, 314],
        [1, 4093, 198, 19556, 905, 2, 198, 1, 520, 9531, 198],
        [2942, 1311, 23290, 24, 94, 732, 198],
        [23409, 2112, 253, 655, 28, 281, 253, 1165, 5016, 28],
        [57, 23, 61, 334, 15672, 12246],
        [33, 28, 32, 32, 32, 28, 32, 32, 32],
        [19556, 216, 905, 256, 5728],
    ]

    static func request(_ prompt: [Int32], seed: UInt64? = nil, maxTokens: Int = 12) -> EngineRequest {
        var sampling = SamplingParameters()
        if let seed {
            sampling.temperature = 0.9
            sampling.seed = seed
        } else {
            sampling.temperature = 0
        }
        return EngineRequest(promptTokens: prompt, sampling: sampling, maxTokens: maxTokens)
    }

    static func collect(_ stream: AsyncStream<EngineEvent>) async -> ([Int32], FinishReason?) {
        var tokens: [Int32] = []
        var reason: FinishReason?
        for await event in stream {
            switch event {
            case .token(let choice): tokens.append(choice.token)
            case .finished(let finish, _): reason = finish
            }
        }
        return (tokens, reason)
    }

    static func runAlone(_ engine: Engine, _ requests: [EngineRequest]) async throws -> [[Int32]] {
        var outputs: [[Int32]] = []
        for request in requests { outputs.append(await collect(try engine.submit(request)).0) }
        return outputs
    }

    static func runTogether(_ engine: Engine, _ requests: [EngineRequest]) async throws -> [[Int32]] {
        let streams = try requests.map { try engine.submit($0) }
        return await withTaskGroup(of: (Int, [Int32]).self) { group in
            for (index, stream) in streams.enumerated() { group.addTask { (index, await collect(stream).0) } }
            var outputs = [[Int32]](repeating: [], count: requests.count)
            for await (index, tokens) in group { outputs[index] = tokens }
            return outputs
        }
    }

    @Test func outputsDoNotDependOnTheBatch() async throws {
        let engine = Engine(model: try Self.model(), configuration: EngineConfiguration(kvCacheTokens: 4096, prefixCaching: false))
        let requests = Self.prompts.map { Self.request($0) } + Self.prompts.enumerated().map { Self.request($1, seed: UInt64($0)) }
        let alone = try await Self.runAlone(engine, requests)
        let together = try await Self.runTogether(engine, requests)
        #expect(alone == together)
        #expect(alone.allSatisfy { $0.count == 12 })
        #expect(Set(alone).count > 8)
        await engine.shutdown()
    }

    @Test func prefixCacheDoesNotChangeOutputs() async throws {
        let system: [Int32] = Array(Self.prompts.joined()) + Array(Self.prompts.joined())
        let requests = Self.prompts.map { Self.request(system + $0, maxTokens: 8) }
        let plain = Engine(model: try Self.model(), configuration: EngineConfiguration(kvCacheTokens: 4096, prefixCaching: false))
        let expected = try await Self.runAlone(plain, requests)
        await plain.shutdown()
        let cached = Engine(model: try Self.model(), configuration: EngineConfiguration(kvCacheTokens: 4096, prefixCaching: true))
        let first = try await Self.runAlone(cached, requests)
        let second = try await Self.runTogether(cached, requests)
        #expect(first == expected)
        #expect(second == expected)
        #expect(cached.stats.promptTokensReused >= system.count / 16 * 16 * (requests.count - 1))
        await cached.shutdown()
    }

    @Test func sixtyFourConcurrentStreamsAllCompleteCorrectly() async throws {
        let engine = Engine(model: try Self.model(), configuration: EngineConfiguration(kvCacheTokens: 8192, maxRunning: 64))
        let requests = (0..<64).map { Self.request(Self.prompts[$0 % 8], seed: UInt64($0), maxTokens: 10) }
        let together = try await Self.runTogether(engine, requests)
        let alone = try await Self.runAlone(engine, Array(requests.prefix(8)))
        #expect(Array(together.prefix(8)) == alone)
        #expect(together.allSatisfy { $0.count == 10 })
        #expect(Set(together).count > 32)
        await engine.shutdown()
    }

    @Test func cancellingAStreamFreesItsBlocks() async throws {
        let engine = Engine(model: try Self.model(), configuration: EngineConfiguration(kvCacheTokens: 2048))
        let stream = try engine.submit(Self.request(Self.prompts[0], maxTokens: 1000))
        // A client that goes away: its consuming task is cancelled mid-stream.
        let task = Task {
            var count = 0
            for await event in stream {
                if case .token = event { count += 1 }
                if count == 3 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return count
        }
        let received = await task.value
        #expect(received >= 3 && received < 1000)
        var freed = false
        for _ in 0..<200 {
            let stats = engine.stats
            if stats.running == 0 && stats.kvBlocksUsed == 0 {
                freed = true
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(freed)
        await engine.shutdown()
    }
}

@Suite(.serialized) struct EngineConstraintTests {
    @Test func jsonSchemaOutputsAlwaysParseAndValidate() async throws {
        let file = try GGUFFile(path: TestResources.modelPath())
        let tokenizer = try TokenizerFactory.load(file: file)
        // Its own model instance: a model runs one forward pass at a time, and suites run in parallel.
        let model = try ModelFactory.load(file: file, pool: ThreadPool(threadCount: 2))
        let engine = Engine(model: model, configuration: EngineConfiguration(kvCacheTokens: 4096))
        let schema = #"{"type":"object","properties":{"name":{"type":"string","maxLength":20},"age":{"type":"integer","minimum":0,"maximum":120},"tags":{"type":"array","items":{"enum":["a","b","c"]},"maxItems":3}},"required":["name","age","tags"],"additionalProperties":false}"#
        let constraint = OutputConstraint(
            grammar: try CompiledGrammar(.jsonSchema(schema)), vocabulary: GrammarVocabulary(tokenizer: tokenizer))
        let prompt = tokenizer.encode(
            "<|im_start|>user\nDescribe a person as JSON.<|im_end|>\n<|im_start|>assistant\n", addSpecial: true,
            parseSpecial: true)
        for seed in 0..<6 {
            var sampling = SamplingParameters()
            sampling.temperature = 1
            sampling.seed = UInt64(seed)
            let request = EngineRequest(
                promptTokens: prompt, sampling: sampling, maxTokens: 120, stopTokens: tokenizer.endOfGenerationTokenIDs,
                constraint: constraint)
            let (tokens, reason) = await EngineModelTests.collect(try engine.submit(request))
            let text = tokenizer.decode(tokens, skipSpecial: true)
            #expect(reason == .stop, "seed \(seed): \(text)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "seed \(seed): \(text)")
            #expect(Set(object.keys) == ["name", "age", "tags"])
            let age = try #require(object["age"] as? Int)
            #expect((0...120).contains(age))
            #expect((object["name"] as? String).map { $0.count <= 20 } == true)
            let tags = try #require(object["tags"] as? [String])
            #expect(tags.count <= 3 && tags.allSatisfy { ["a", "b", "c"].contains($0) })
        }
        await engine.shutdown()
    }
}
