import Foundation
import Testing

@testable import TernSampling

/// Fail closed: anything not enforced is an error naming the keyword and where it is; limits
/// hold on hostile input.
@Suite struct ConstraintsErrorTests {
    static func error(_ schema: String) -> GrammarError? {
        do {
            _ = try CompiledGrammar(.jsonSchema(schema))
            return nil
        } catch {
            return error
        }
    }

    @Test func unsupportedKeywordsAreNamedWithTheirLocation() {
        #expect(
            Self.error(##"{"type":"object","patternProperties":{"^a":{}}}"##)
                == .unsupportedKeyword(keyword: "patternProperties", pointer: "/patternProperties"))
        #expect(
            Self.error(##"{"properties":{"a/b":{"not":{"type":"null"}}}}"##)
                == .unsupportedKeyword(keyword: "not", pointer: "/properties/a~1b/not"))
        #expect(
            Self.error(##"{"type":"integer","multipleOf":3}"##)
                == .unsupportedKeyword(keyword: "multipleOf", pointer: "/multipleOf"))
        #expect(Self.error(##"{"items":{"if":{}}}"##) == .unsupportedKeyword(keyword: "if", pointer: "/items/if"))
        #expect(
            Self.error(##"{"properties":{"a":{"$id":"x"}}}"##)
                == .unsupportedKeyword(keyword: "$id", pointer: "/properties/a/$id"))
        let message = Self.error(##"{"properties":{"a":{"minProperties":1}}}"##)?.description ?? ""
        #expect(message.contains("minProperties") && message.contains("#/properties/a/minProperties"))
    }

    @Test func unsupportedUsesAreNamed() {
        func keyword(_ schema: String) -> String? {
            if case .unsupportedValue(let keyword, _, _)? = Self.error(schema) { return keyword }
            return nil
        }
        #expect(keyword(##"{"type":"string","format":"uri"}"##) == "format")
        #expect(keyword(##"{"type":"array","uniqueItems":true}"##) == "uniqueItems")
        #expect(keyword(##"{"oneOf":[{"type":"integer"},{"type":"number"}]}"##) == "oneOf")
        #expect(keyword(##"{"oneOf":[{"type":"string"},{"type":"string","maxLength":3}]}"##) == "oneOf")
        #expect(keyword(##"{"type":"number","minimum":0.5}"##) == "minimum")
        #expect(keyword(##"{"type":"array","items":[{"type":"string"}]}"##) == "items")
        #expect(keyword(##"{"type":"string","pattern":"(?=a)b"}"##) == "pattern")
        #expect(keyword(##"{"type":"string","pattern":"^[a-z]+$","maxLength":5}"##) == "maxLength")
        #expect(keyword(##"{"enum":["a","b"],"pattern":"a"}"##) == "enum")
        #expect(keyword(##"{"allOf":[{"pattern":"a"},{"pattern":"b"}]}"##) == "pattern")
        #expect(
            Self.error(##"{"type":"string","pattern":"^[a-z]{2}$","maxLength":5}"##) == nil,
            "length implied by the pattern")
        #expect(Self.error(##"{"oneOf":[{"type":"string"},{"type":"integer"},{"const":null}]}"##) == nil)
    }

    @Test func referencesMustBeLocalAndResolvable() {
        #expect(
            Self.error(##"{"$ref":"https://example.com/s.json"}"##)
                == .unresolvedReference(ref: "https://example.com/s.json", pointer: "/$ref"))
        #expect(
            Self.error(##"{"properties":{"a":{"$ref":"#/$defs/missing"}}}"##)
                == .unresolvedReference(ref: "#/$defs/missing", pointer: "/properties/a/$ref"))
        #expect(Self.error(##"{"$defs":{"a b":{"type":"null"}},"$ref":"#/$defs/a%20b"}"##) == nil)
    }

    @Test func recursionWithoutProgressIsRejected() {
        // Refers to itself and nothing else: no finite value.
        #expect(Self.error(##"{"$ref":"#"}"##) != nil)
        guard case .invalidSchema(_, let reason)? = Self.error(##"{"anyOf":[{"$ref":"#"},{"type":"null"}]}"##) else {
            Issue.record("expected an error")
            return
        }
        #expect(reason.contains("refers to itself"))
        #expect(
            Self.error(##"{"$defs":{"a":{"anyOf":[{"$ref":"#/$defs/a"},{"type":"null"}]}},"$ref":"#/$defs/a"}"##) != nil
        )
        #expect(
            Self.error(##"{"$defs":{"a":{"type":"array","items":{"$ref":"#/$defs/a"}}},"$ref":"#/$defs/a"}"##) == nil)
        // Only infinite: every value would need another nested value.
        #expect(
            Self.error(
                ##"{"$defs":{"a":{"type":"array","items":{"$ref":"#/$defs/a"},"minItems":1}},"$ref":"#/$defs/a"}"##)
                != nil)
    }

    @Test func unsatisfiableSchemasAreReported() {
        func isUnsatisfiable(_ schema: String) -> Bool {
            if case .unsatisfiable? = Self.error(schema) { return true }
            return false
        }
        #expect(isUnsatisfiable(##"{"enum":[]}"##))
        #expect(isUnsatisfiable(#"false"#))
        #expect(isUnsatisfiable(##"{"type":"integer","minimum":5,"maximum":3}"##))
        #expect(isUnsatisfiable(##"{"allOf":[{"type":"string"},{"type":"integer"}]}"##))
        #expect(isUnsatisfiable(##"{"type":"string","enum":[1,2]}"##))
        #expect(
            Self.error(##"{"type":"object","properties":{"a":false},"required":["a"]}"##)
                == .unsatisfiable(pointer: "/properties/a", reason: "required property 'a' has no valid value"))
        #expect(Self.error(##"{"type":"object","properties":{"a":false}}"##) == nil, "optional: simply never generated")
    }

    @Test func regexThatMatchesNothingIsReported() {
        #expect(throws: GrammarError.invalidRegex(offset: 0, reason: "the regex matches nothing")) {
            try CompiledGrammar(.regex("[^\\s\\S]"))
        }
    }

    @Test func malformedInputIsReported() {
        if case .invalidJSON? = Self.error("{\"type\": ") {} else { Issue.record("expected invalidJSON") }
        if case .invalidJSON? = Self.error(##"{"type":"string","type":"null"}"##) {
        } else {
            Issue.record("duplicate key")
        }
        if case .invalidSchema? = Self.error(##"{"type":"text"}"##) {} else { Issue.record("unknown type") }
        if case .invalidSchema? = Self.error(##"{"required":"a"}"##) {} else { Issue.record("bad required") }
        if case .invalidSchema? = Self.error(##"{"minLength":-1}"##) {} else { Issue.record("bad minLength") }
        if case .invalidSchema? = Self.error(#"[1]"#) {} else { Issue.record("array schema") }
    }

    @Test func hostileSchemasAreBounded() throws {
        let start = ContinuousClock.now
        if case .tooComplex? = Self.error(##"{"type":"array","minItems":100000}"##) {
        } else {
            Issue.record("minItems cap")
        }
        if case .tooComplex? = Self.error(##"{"type":"string","maxLength":1000000}"##) {
        } else {
            Issue.record("maxLength cap")
        }
        let deep = String(repeating: #"{"items":"#, count: 300) + "{}" + String(repeating: "}", count: 300)
        #expect(Self.error(deep) != nil)
        let wide = (0..<40).map { _ in
            ##"{"anyOf":[{"type":"array","items":{"type":"integer"},"maxItems":1000},{"type":"null"}]}"##
        }
        let many =
            #"{"type":"object","properties":{"# + wide.enumerated().map { "\"p\($0)\":\($1)" }.joined(separator: ",")
            + "}}"
        _ = Self.error(many)
        let properties = (0..<500).map { "\"property\($0)\":{\"type\":\"string\"}" }.joined(separator: ",")
        let big = #"{"type":"object","properties":{"# + properties + #"},"additionalProperties":false}"#
        #expect(Self.error(big) == nil)
        // Bounded arrays nested 30 deep: shared as rules, not copied 3^30 times.
        let nested =
            String(repeating: ##"{"anyOf":[{"type":"null"},{"type":"array","maxItems":3,"items":"##, count: 30) + "{}"
            + String(repeating: "}]}", count: 30)
        #expect(Self.error(nested) == nil)
        #expect(ContinuousClock.now - start < .seconds(30))
    }
}
