import TernModels
import TernTestSupport
import Testing

/// The llama forward pass against llama.cpp's outputs on the same GGUF file.
@Suite(.serialized) struct LlamaReferenceTests {
    @Test func topLogitsMatchLlamaCpp() throws {
        let model = try ModelHarness.model()
        let reference = try TestResources.fixture("logits-top5.json", as: ReferenceLogits.self)
        let smol = try #require(reference.cases.first { $0.model.hasPrefix("SmolLM2") })
        let rows = smol.positions.map(\.position)
        let logits = ModelHarness.logits(model, tokens: smol.promptIds, rows: rows)
        var worst: Double = 0
        for (row, position) in smol.positions.enumerated() {
            let values = logits[row]
            for pair in position.top5 {
                let id = Int(pair[0])
                let difference = abs(Double(values[id]) - pair[1])
                worst = max(worst, difference)
                #expect(difference < 0.001, "position \(position.position) token \(id): \(values[id]) vs \(pair[1])")
            }
            let best = values.indices.max { values[$0] < values[$1] }!
            #expect(best == Int(position.top5[0][0]), "position \(position.position): argmax \(best)")
        }
        print("largest top-5 logit difference vs llama.cpp: \(worst)")
    }

    /// Tern computes in llama.cpp's exact float order, so even past near ties (where the fixture
    /// README allows divergence) the whole continuation is expected to match.
    @Test func greedyContinuationsMatchLlamaCpp() throws {
        let model = try ModelHarness.model()
        let reference = try TestResources.fixture("smollm2.json", as: ReferenceCases.self)
        #expect(reference.greedy.count >= 4)
        for test in reference.greedy {
            let generated = ModelHarness.greedy(model, prompt: test.promptIds, count: test.ids.count)
            #expect(generated == test.ids, "prompt \(test.prompt.debugDescription)")
        }
    }
}
