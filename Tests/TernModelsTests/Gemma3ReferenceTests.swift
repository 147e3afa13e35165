import TernGGUF
import TernModels
import TernTensor
import TernTestSupport
import Testing

/// The gemma3 forward pass against llama.cpp's outputs on the default Gemma 3 270M file.
///
/// Why tolerances here and bit equality for SmolLM2: Gemma 3's activations are so large that a
/// last-bit difference in one matmul flips the int8 rounding of an activation and, a few layers
/// later, moves logits by tenths. Tern matches llama.cpp's float order for Gemma's Q5_0/Q8_0
/// matrices (bit for bit, layer by layer) but not for its Q4_K/Q6_K kernels (Tern's top-5 logits
/// differ by up to 0.7, 0.17 on average). llama.cpp itself is not stable at this scale: built from the same source on this machine it differs
/// from the fixture (made by another build) by up to 0.37 in these top-5 logits, and its greedy
/// text diverges from the fixture's at steps whose margin is 0.05. So Tern is held to: the same
/// argmax at every position, every top-5 logit within 1.0 and on average within 0.25, and the
/// same greedy tokens up to the first step whose reference margin is under 0.05.
@Suite(.serialized) struct Gemma3ReferenceTests {
    nonisolated(unsafe) static var cached: (any LanguageModel)?

    static func model() throws -> any LanguageModel {
        if let cached { return cached }
        let model = try ModelFactory.load(
            file: GGUFFile(path: TestResources.gemmaModelPath()), pool: ThreadPool(threadCount: 2))
        cached = model
        return model
    }

    @Test func topLogitsMatchLlamaCpp() throws {
        let model = try Self.model()
        let reference = try TestResources.fixture("logits-top5.json", as: ReferenceLogits.self)
        let gemma = try #require(reference.cases.first { $0.model.hasPrefix("gemma") })
        let logits = ModelHarness.logits(model, tokens: gemma.promptIds, rows: gemma.positions.map(\.position))
        var worst: Double = 0
        var total: Double = 0
        var count = 0
        for (row, position) in gemma.positions.enumerated() {
            for pair in position.top5 {
                let difference = abs(Double(logits[row][Int(pair[0])]) - pair[1])
                worst = max(worst, difference)
                total += difference
                count += 1
                #expect(difference < 1.0, "position \(position.position) token \(Int(pair[0]))")
            }
            let best = logits[row].indices.max { logits[row][$0] < logits[row][$1] }!
            #expect(best == Int(position.top5[0][0]), "position \(position.position)")
        }
        #expect(total / Double(count) < 0.25, "mean top-5 logit difference")
        print("gemma3: top-5 logit difference vs llama.cpp: largest \(worst), mean \(total / Double(count))")
    }

    @Test func greedyContinuationsMatchLlamaCpp() throws {
        let model = try Self.model()
        let reference = try TestResources.fixture("gemma3.json", as: ReferenceCases.self)
        #expect(!reference.greedy.isEmpty)
        for test in reference.greedy {
            let count = test.comparableCount(nearTie: 0.05)
            let generated = ModelHarness.greedy(model, prompt: test.promptIds, count: count)
            #expect(generated == Array(test.ids.prefix(count)), "prompt \(test.prompt.debugDescription)")
        }
    }
}
