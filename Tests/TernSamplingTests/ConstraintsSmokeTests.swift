import Foundation
import Testing

@testable import TernSampling

@Suite struct ConstraintsSmokeTests {
    @Test func regexRandomWalksFullyMatch() throws {
        let fixture = ConstraintsFixtures.synthetic()
        let grammar = try CompiledGrammar(.regex("(ab|c)[0-9]{2,3}(x|yz)?"))
        let pattern = try NSRegularExpression(pattern: "^(ab|c)[0-9]{2,3}(x|yz)?$")
        for seed in 0..<50 {
            let walk = try ConstraintsFixtures.randomWalk(
                grammar, fixture.vocabulary, bytes: fixture.bytes, seed: UInt64(seed))
            #expect(walk.finished)
            let text = String(decoding: walk.output, as: UTF8.self)
            #expect(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil, "\(text)")
        }
    }

    @Test func jsonObjectRandomWalksParse() throws {
        let fixture = ConstraintsFixtures.synthetic()
        let grammar = try CompiledGrammar(.jsonObject)
        var finished = 0
        for seed in 0..<100 {
            let walk = try ConstraintsFixtures.randomWalk(
                grammar, fixture.vocabulary, bytes: fixture.bytes, seed: UInt64(seed), limit: 600, preferEnd: 0.5)
            guard walk.finished else { continue }
            finished += 1
            let object = try? JSONSerialization.jsonObject(with: Data(walk.output))
            #expect(object is [String: Any], "\(String(decoding: walk.output, as: UTF8.self))")
        }
        #expect(finished > 50)
    }
}
