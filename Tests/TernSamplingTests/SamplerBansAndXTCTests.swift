import Foundation
import Testing

@testable import TernSampling

@Suite struct SamplerBansAndXTCTests {
    private func parameters(_ build: (inout SamplingParameters) -> Void) -> SamplingParameters {
        var p = SamplingParameters()
        p.seed = 42
        build(&p)
        return p
    }

    private func draw(_ sampler: inout Sampler, _ values: [Float]) -> Int32 {
        var copy = values
        return copy.withUnsafeMutableBufferPointer { sampler.sample($0).token }
    }

    private func draws(_ values: [Float], _ parameters: SamplingParameters, count: Int) -> [Int32] {
        var sampler = Sampler(parameters: parameters)
        return (0..<count).map { _ in draw(&sampler, values) }
    }

    /// Probabilities 0.4, 0.3, 0.2, 0.1.
    static let four: [Float] = [log(0.4), log(0.3), log(0.2), log(0.1)]

    @Test func xtcAlwaysOnKeepsOnlyTheLeastLikelyTopChoiceAndWhatIsBelow() {
        // 0, 1 and 2 reach 0.15: 0 and 1 are excluded, 2 stays, and so does 3 below the threshold.
        let result = draws(
            Self.four,
            parameters {
                $0.xtcThreshold = 0.15; $0.xtcProbability = 1
            }, count: 600)
        #expect(Set(result) == [2, 3])
        let share = Double(result.filter { $0 == 2 }.count) / 600
        #expect(abs(share - 2.0 / 3.0) < 0.06, "the rest keep their relative odds")
    }

    @Test func xtcDoesNothingUnlessTwoChoicesReachTheThreshold() {
        let result = draws(
            Self.four,
            parameters {
                $0.xtcThreshold = 0.35; $0.xtcProbability = 1
            }, count: 600)
        #expect(Set(result) == [0, 1, 2, 3])
    }

    @Test func xtcAppliesWithItsProbability() {
        let result = draws(
            Self.four,
            parameters {
                $0.xtcThreshold = 0.15; $0.xtcProbability = 0.5
            }, count: 4000)
        // P(0) = 0.5 × 0.4 (XTC skipped) = 0.2.
        let share = Double(result.filter { $0 == 0 }.count) / 4000
        #expect(abs(share - 0.2) < 0.03)
    }

    @Test func xtcIsReproducibleWithASeedAndOffLeavesSamplingUnchanged() {
        let logits: [Float] = (0..<40).map { Float($0 % 5) * 0.4 }
        // The 16 tokens of the two best levels each reach 0.02 of the distribution.
        let xtc = parameters {
            $0.xtcThreshold = 0.02; $0.xtcProbability = 0.7
        }
        #expect(draws(logits, xtc, count: 200) == draws(logits, xtc, count: 200))
        var otherSeed = xtc
        otherSeed.seed = 7
        #expect(draws(logits, xtc, count: 200) != draws(logits, otherSeed, count: 200))
        // Turned off (either value 0), XTC draws no random numbers: same samples as without it.
        let plain = parameters { _ in }
        #expect(draws(logits, parameters { $0.xtcThreshold = 0.02 }, count: 200) == draws(logits, plain, count: 200))
        #expect(draws(logits, xtc, count: 200) != draws(logits, plain, count: 200))
    }

    @Test func xtcIsIgnoredByGreedyChoices() {
        let greedy = parameters {
            $0.temperature = 0; $0.xtcThreshold = 0.1; $0.xtcProbability = 1
        }
        #expect(Set(draws(Self.four, greedy, count: 20)) == [0])
    }

    @Test func bannedSequencesBanTheirLastTokenAfterTheRestOfTheOutput() {
        let logits: [Float] = [0, 1, 5, 4, 3]
        var sampler = Sampler(
            parameters: parameters {
                $0.temperature = 0; $0.bannedSequences = [[3], [1, 2]]
            }, promptTokens: [1])
        // The prompt ends with 1, but only the output counts: 2 is allowed; 3 is always banned.
        #expect(draw(&sampler, logits) == 2)
        sampler.accept(1)
        #expect(draw(&sampler, logits) == 4, "after 1, both 2 (end of [1, 2]) and 3 are banned")
        sampler.accept(4)
        #expect(draw(&sampler, logits) == 2)
    }

    @Test func noRepeatNgramBansRepeatsAcrossPromptAndOutput() {
        let logits: [Float] = [0, 1, 5, 4, 3]
        var sampler = Sampler(
            parameters: parameters {
                $0.temperature = 0; $0.noRepeatNgramSize = 2
            }, promptTokens: [1, 2])
        #expect(draw(&sampler, logits) == 2, "2 2 never occurred")
        sampler.accept(1)
        #expect(draw(&sampler, logits) == 3, "1 2 occurred in the prompt")
        sampler.accept(3)
        #expect(draw(&sampler, logits) == 2)
        sampler.accept(2)
        sampler.accept(2)
        #expect(draw(&sampler, logits) == 3, "2 2 occurred in the output")
        sampler.accept(3)
        #expect(draw(&sampler, logits) == 3, "3 2 occurred in the output")
    }

    @Test func trigramsOnlyBanTheExactContinuation() {
        let logits: [Float] = [0, 1, 5, 4, 3]
        var sampler = Sampler(
            parameters: parameters {
                $0.temperature = 0; $0.noRepeatNgramSize = 3
            }, promptTokens: [1, 2, 2])
        sampler.accept(0)
        sampler.accept(2)
        #expect(draw(&sampler, logits) == 2, "0 2 2 never occurred")
        sampler.accept(1)
        sampler.accept(2)
        #expect(draw(&sampler, logits) == 3, "1 2 2 occurred in the prompt")
    }

    @Test func logprobsShowBannedTokensAsImpossible() {
        var sampler = Sampler(
            parameters: parameters {
                $0.temperature = 0; $0.bannedSequences = [[2]]
            })
        var logits: [Float] = [0, 1, 5]
        let choice = logits.withUnsafeMutableBufferPointer { sampler.sample($0, logprobs: true, topLogprobs: 3) }
        #expect(choice.token == 1)
        #expect(choice.topLogprobs.map(\.token) == [1, 0, 2])
        #expect(choice.topLogprobs.last?.logprob == -.infinity)
    }
}
