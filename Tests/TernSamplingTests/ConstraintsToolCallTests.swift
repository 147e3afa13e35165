import Testing

@testable import TernSampling

@Suite struct ConstraintsToolCallTests {
    static let weather = ##"""
        {"type":"object","$defs":{"unit":{"enum":["celsius","fahrenheit"]}},
         "properties":{"city":{"type":"string","maxLength":20},"unit":{"$ref":"#/$defs/unit"},
                       "days":{"type":"integer","minimum":1,"maximum":7},"const":{"const":{"$ref":"#/keep"}}},
         "required":["city","unit"],"additionalProperties":false}
        """##

    @Test func forcedCallRewritesReferencesAndValidates() throws {
        let spec = try ConstraintSpec.toolCall(name: "get_weather", parametersSchema: Self.weather)
        guard case .jsonSchema(let text) = spec else {
            Issue.record("expected a JSON schema")
            return
        }
        #expect(text.contains(##""$ref":"#/properties/arguments/$defs/unit""##))
        #expect(text.contains(##"{"const":{"$ref":"#/keep"}}"##), "constants are not rewritten")
        let grammar = try CompiledGrammar(spec)
        let fixture = ConstraintsFixtures.synthetic()
        var finished = 0
        for seed in 0..<40 {
            let walk = try ConstraintsFixtures.randomWalk(
                grammar, fixture.vocabulary, bytes: fixture.bytes, seed: UInt64(seed), limit: 400, preferEnd: 0.6,
                closeBias: 0.3)
            guard walk.finished else { continue }
            finished += 1
            #expect(try ConstraintsSchemaWalkTests.validate(walk.output, schemaText: text).isEmpty)
            let value = try JSONReader.parse(String(decoding: walk.output, as: UTF8.self))
            #expect(value["name"] == .string("get_weather"))
        }
        #expect(finished > 30)
    }

    @Test func requiredChoiceAmongSeveralTools() throws {
        let spec = try ConstraintSpec.toolCall(anyOf: [
            ("get_weather", Self.weather), ("get_time", ##"{"type":"object","properties":{}}"##),
        ])
        let grammar = try CompiledGrammar(spec)
        var matcher = GrammarMatcher(grammar: grammar, vocabulary: ConstraintsRegexTests.byteVocabulary)
        for byte in ##"{"name": "get_time", "arguments": {}}"##.utf8 {
            let accepted = matcher.accept(Int32(byte))
            #expect(accepted)
        }
        #expect(matcher.isComplete)
        var other = GrammarMatcher(grammar: grammar, vocabulary: ConstraintsRegexTests.byteVocabulary)
        let refused = ##"{"name": "get_date""##.utf8.contains { !other.accept(Int32($0)) }
        #expect(refused)
        #expect(throws: GrammarError.self) { try ConstraintSpec.toolCall(name: "f", parametersSchema: "{") }
        #expect(throws: GrammarError.self) { try ConstraintSpec.toolCall(anyOf: []) }
    }
}
