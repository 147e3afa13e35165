import Foundation
import Testing

@testable import TernSampling

@Suite struct SamplerTests {
    private func sample(_ values: [Float], _ parameters: SamplingParameters, draws: Int = 1) -> [Int32] {
        var sampler = Sampler(parameters: parameters)
        return (0..<draws).map { _ in
            var copy = values
            return copy.withUnsafeMutableBufferPointer { sampler.sample($0).token }
        }
    }

    private func parameters(_ build: (inout SamplingParameters) -> Void) -> SamplingParameters {
        var p = SamplingParameters()
        p.seed = 42
        build(&p)
        return p
    }

    @Test func greedyPicksTheLargestLogitAndTheLowestIndexOnTies() {
        let greedy = parameters { $0.temperature = 0 }
        #expect(sample([0.1, 3, 2, 3], greedy) == [1])
    }

    @Test func sameSeedGivesTheSameSamples() {
        let logits: [Float] = (0..<50).map { Float($0 % 7) * 0.3 }
        let p = parameters { $0.temperature = 1.5 }
        #expect(sample(logits, p, draws: 64) == sample(logits, p, draws: 64))
        var other = p
        other.seed = 43
        #expect(sample(logits, p, draws: 64) != sample(logits, other, draws: 64))
    }

    @Test func topKRestrictsToTheKBest() {
        let logits: [Float] = [5, 4.9, 4.8, 0, 0, 0, 0, 0]
        let draws = Set(sample(logits, parameters { $0.topK = 2; $0.temperature = 5 }, draws: 300))
        #expect(draws == [0, 1])
    }

    @Test func topPKeepsTheSmallestSetReachingTheMass() {
        // Probabilities ~ [0.5, 0.3, 0.2 spread over the rest].
        let logits: [Float] = [log(0.5), log(0.3), log(0.1), log(0.05), log(0.05)]
        let draws = Set(sample(logits, parameters { $0.topP = 0.75 }, draws: 400))
        #expect(draws == [0, 1])
    }

    @Test func minPDropsTokensFarBelowTheBest() {
        let logits: [Float] = [log(0.6), log(0.3), log(0.05), log(0.05)]
        let draws = Set(sample(logits, parameters { $0.minP = 0.2 }, draws: 400))
        #expect(draws == [0, 1])
    }

    @Test func samplingFollowsTheDistribution() {
        let logits: [Float] = [log(0.7), log(0.3)]
        let draws = sample(logits, parameters { _ in }, draws: 4000)
        let share = Double(draws.filter { $0 == 0 }.count) / 4000
        #expect(abs(share - 0.7) < 0.04)
    }

    @Test func logitBiasAndMinTokensChangeTheChoice() {
        let logits: [Float] = [1, 2, 0]
        #expect(sample(logits, parameters { $0.temperature = 0; $0.logitBias = [2: 5] }) == [2])
        var sampler = Sampler(parameters: parameters { $0.temperature = 0; $0.minTokens = 1 }, endTokens: [1])
        var copy = logits
        #expect(copy.withUnsafeMutableBufferPointer { sampler.sample($0).token } == 0)
        sampler.accept(0)
        copy = logits
        #expect(copy.withUnsafeMutableBufferPointer { sampler.sample($0).token } == 1)
    }

    @Test func penaltiesDiscourageRepeats() {
        let logits: [Float] = [2, 1.9]
        var sampler = Sampler(parameters: parameters { $0.temperature = 0; $0.presencePenalty = 0.5 })
        sampler.accept(0)
        var copy = logits
        #expect(copy.withUnsafeMutableBufferPointer { sampler.sample($0).token } == 1)
        var repetition = Sampler(parameters: parameters { $0.temperature = 0; $0.repetitionPenalty = 1.2 }, promptTokens: [0])
        copy = logits
        #expect(copy.withUnsafeMutableBufferPointer { repetition.sample($0).token } == 1)
    }

    @Test func logprobsAreLogSoftmaxOfTheProcessedLogits() {
        var sampler = Sampler(parameters: parameters { $0.temperature = 0 })
        var logits: [Float] = [log(0.5), log(0.25), log(0.25)]
        let choice = logits.withUnsafeMutableBufferPointer { sampler.sample($0, logprobs: true, topLogprobs: 2) }
        #expect(choice.token == 0)
        #expect(abs(choice.logprob - log(0.5)) < 1e-5)
        #expect(choice.topLogprobs.map(\.token) == [0, 1])
        #expect(abs(choice.topLogprobs[1].logprob - log(0.25)) < 1e-5)
    }
}
