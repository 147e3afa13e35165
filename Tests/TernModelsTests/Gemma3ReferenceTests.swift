import TernGGUF
import TernModels
import TernTensor
import TernTestSupport
import Testing

/// The gemma3 forward pass against llama.cpp's outputs on the default Gemma 3 270M file.
@Suite(.serialized) struct Gemma3ReferenceTests {
    nonisolated(unsafe) static var cached: (any LanguageModel)?

    static func model() throws -> any LanguageModel {
        if let cached { return cached }
        let model = try ModelFactory.load(file: GGUFFile(path: TestResources.gemmaModelPath()), pool: ThreadPool(threadCount: 2))
        cached = model
        return model
    }

    @Test func topLogitsMatchLlamaCpp() throws {
        let model = try Self.model()
        let reference = try TestResources.fixture("logits-top5.json", as: ReferenceLogits.self)
        let gemma = try #require(reference.cases.first { $0.model.hasPrefix("gemma") })
        let logits = ModelHarness.logits(model, tokens: gemma.promptIds, rows: gemma.positions.map(\.position))
        var worst: Double = 0
        for (row, position) in gemma.positions.enumerated() {
            for pair in position.top5 {
                let difference = abs(Double(logits[row][Int(pair[0])]) - pair[1])
                worst = max(worst, difference)
                #expect(difference < 0.05, "position \(position.position) token \(Int(pair[0]))")
            }
            let best = logits[row].indices.max { logits[row][$0] < logits[row][$1] }!
            #expect(best == Int(position.top5[0][0]), "position \(position.position)")
        }
        print("gemma3: largest top-5 logit difference vs llama.cpp: \(worst)")
    }

    @Test func greedyContinuationsMatchLlamaCpp() throws {
        let model = try Self.model()
        let reference = try TestResources.fixture("gemma3.json", as: ReferenceCases.self)
        #expect(!reference.greedy.isEmpty)
        for test in reference.greedy {
            let count = test.comparableCount
            let generated = ModelHarness.greedy(model, prompt: test.promptIds, count: count)
            #expect(generated == Array(test.ids.prefix(count)), "prompt \(test.prompt.debugDescription)")
        }
    }
}
