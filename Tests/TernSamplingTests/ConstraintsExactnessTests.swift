import Foundation
import Testing

@testable import TernSampling

/// On the real vocabulary, the mask is exactly the set of tokens the matcher accepts: nothing
/// invalid gets through, and nothing valid is withheld from the model.
@Suite struct ConstraintsExactnessTests {
    static func compareEverywhere(_ spec: ConstraintSpec, _ text: String, every stride: Int) throws {
        let real = try RealVocabulary.get()
        let grammar = try CompiledGrammar(spec)
        var matcher = GrammarMatcher(grammar: grammar, vocabulary: real.vocabulary)
        var mask = TokenMask(count: real.vocabulary.count)
        let tokens = ConstraintsPerformanceTests.tokenize(text, real)
        for (step, token) in tokens.enumerated() {
            if step % stride == 0 {
                matcher.allowedTokens(into: &mask)
                var mismatches: [Int32] = []
                for candidate in 0..<Int32(real.vocabulary.count) where mask.contains(candidate) != matcher.allows(candidate) {
                    mismatches.append(candidate)
                }
                #expect(
                    mismatches.isEmpty,
                    "step \(step) of \(text.prefix(30)): \(mismatches.prefix(5).map { String(decoding: real.bytes[Int($0)], as: UTF8.self) })"
                )
            }
            let accepted = matcher.accept(token)
            try #require(accepted)
        }
    }

    @Test func maskEqualsAcceptanceOnTheRealVocabulary() throws {
        try Self.compareEverywhere(
            .jsonSchema(ConstraintsSchemaWalkTests.schemas[0].text),
            #"{"name": "Ada", "age": 36, "email": "ada@x.org", "tags": ["a"], "address": {"zip": "12345"}}"#, every: 3)
        try Self.compareEverywhere(
            .jsonObject, #"{"a": [1, {"b": null}, "x\"y"], "c": -0.5e+3, "d": {}}"#, every: 3)
        try Self.compareEverywhere(
            .jsonSchema(ConstraintsSchemaWalkTests.schemas[2].text),
            #"{"value": 1, "children": [{"value": 2, "children": []}]}"#, every: 4)
    }
}
