import Foundation
import Testing

@testable import TernSampling

/// Exact masks: after a given prefix, precisely the right next bytes (and end) are allowed.
@Suite struct ConstraintsMaskTests {
    static let vocabulary = ConstraintsRegexTests.byteVocabulary
    static let end: Int32 = 256

    /// The bytes allowed after `prefix`, and whether the end token is.
    static func next(_ spec: ConstraintSpec, after prefix: String) throws -> (
        bytes: Set<UInt8>, end: Bool, complete: Bool
    ) {
        try next(spec, afterBytes: Array(prefix.utf8))
    }

    static func next(_ spec: ConstraintSpec, afterBytes prefix: [UInt8]) throws -> (
        bytes: Set<UInt8>, end: Bool, complete: Bool
    ) {
        let grammar = try CompiledGrammar(spec)
        var matcher = GrammarMatcher(grammar: grammar, vocabulary: vocabulary)
        for byte in prefix {
            let accepted = matcher.accept(Int32(byte))
            try #require(accepted, "prefix byte \(byte) of \(prefix.debugDescription) refused")
        }
        var mask = TokenMask(count: vocabulary.count)
        matcher.allowedTokens(into: &mask)
        let bytes = Set(mask.allowedTokens.filter { $0 < 256 }.map { UInt8($0) })
        return (bytes, mask.contains(end), matcher.isComplete)
    }

    static func bytes(_ text: String) -> Set<UInt8> { Set(text.utf8) }

    static let integerObject = ConstraintSpec.jsonSchema(
        ##"{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":false}"##)

    @Test func objectWithOneRequiredIntegerProperty() throws {
        var state = try Self.next(Self.integerObject, after: "")
        #expect(state.bytes == Self.bytes("{") && !state.end)
        state = try Self.next(Self.integerObject, after: "{")
        #expect(state.bytes == Self.bytes("\" \n"))
        state = try Self.next(Self.integerObject, after: "{\"a\": ")
        #expect(state.bytes == Self.bytes("-0123456789"))
        state = try Self.next(Self.integerObject, after: "{\"a\": 12")
        #expect(state.bytes == Self.bytes("0123456789} \n") && !state.end)
        state = try Self.next(Self.integerObject, after: "{\"a\": -0")
        #expect(state.bytes == Self.bytes("} \n"))
        state = try Self.next(Self.integerObject, after: "{\"a\": 12}")
        #expect(state.bytes.isEmpty && state.end && state.complete)
    }

    @Test func whitespaceIsBounded() throws {
        var state = try Self.next(Self.integerObject, after: "{ ")
        #expect(state.bytes == Self.bytes("\""))
        state = try Self.next(Self.integerObject, after: "{\n" + String(repeating: " ", count: JSONGrammar.maxIndent))
        #expect(state.bytes == Self.bytes("\""))
        state = try Self.next(Self.integerObject, after: "{\n\t ")
        #expect(state.bytes == Self.bytes("\" \t"))
        state = try Self.next(.jsonObject, after: "{}")
        #expect(state.bytes.isEmpty && state.end)
    }

    @Test func stringContentsAndEscapes() throws {
        let spec = ConstraintSpec.jsonSchema(##"{"type":"string"}"##)
        var state = try Self.next(spec, after: "\"")
        #expect(state.bytes.contains(0x22) && state.bytes.contains(0x5C) && state.bytes.contains(0x41))
        #expect(!state.bytes.contains(0x01) && !state.bytes.contains(0x0A) && !state.bytes.contains(0xFF))
        #expect(!state.bytes.contains(0x80) && !state.bytes.contains(0xC0) && state.bytes.contains(0xC3))
        state = try Self.next(spec, after: "\"\\")
        #expect(state.bytes == Self.bytes("\"\\/bfnrtu"))
        state = try Self.next(spec, after: "\"\\u")
        #expect(state.bytes == Self.bytes("0123456789abcdefABCDEF"))
        state = try Self.next(spec, after: "\"\\ud")
        #expect(state.bytes == Self.bytes("01234567"), "no surrogate escapes")
        state = try Self.next(spec, afterBytes: [0x22, 0xC3])
        #expect(state.bytes == Set(0x80...0xBF))
        state = try Self.next(spec, afterBytes: [0x22, 0xE0])
        #expect(state.bytes == Set(0xA0...0xBF), "no overlong encodings")
        state = try Self.next(spec, after: "\"a\"")
        #expect(state.bytes.isEmpty && state.end)
    }

    @Test func enumAndPropertyOrder() throws {
        var state = try Self.next(.jsonSchema(##"{"enum":["red","green",7]}"##), after: "")
        #expect(state.bytes == Self.bytes("\"7"))
        state = try Self.next(.jsonSchema(##"{"enum":["red","green",7]}"##), after: "\"")
        #expect(state.bytes == Self.bytes("rg"))
        let ordered = ConstraintSpec.jsonSchema(
            ##"{"type":"object","properties":{"x":{"type":"null"},"y":{"type":"null"}},"required":["y"],"additionalProperties":false}"##
        )
        state = try Self.next(ordered, after: "{\"")
        #expect(state.bytes == Self.bytes("xy"))
        state = try Self.next(ordered, after: "{\"x\":null")
        #expect(state.bytes == Self.bytes(", \n"), "y is required: no closing yet")
        state = try Self.next(ordered, after: "{\"y\":null")
        #expect(state.bytes == Self.bytes("} \n"), "nothing may follow y")
    }

    @Test func numbersAreBounded() throws {
        let spec = ConstraintSpec.jsonSchema(##"{"type":"number"}"##)
        var state = try Self.next(spec, after: "1234567890123456")
        #expect(state.bytes == Self.bytes(".eE") && state.end, "16 integer digits at most")
        state = try Self.next(spec, after: "0")
        #expect(state.bytes == Self.bytes(".eE") && state.end)
        state = try Self.next(spec, after: "1e-12")
        #expect(state.bytes.isEmpty && state.end, "two exponent digits at most")
        let bounded = ConstraintSpec.jsonSchema(##"{"type":"integer","minimum":-3,"maximum":42}"##)
        state = try Self.next(bounded, after: "")
        #expect(state.bytes == Self.bytes("-0123456789"))
        state = try Self.next(bounded, after: "-")
        #expect(state.bytes == Self.bytes("123"))
        state = try Self.next(bounded, after: "4")
        #expect(state.bytes == Self.bytes("012") && state.end)
        state = try Self.next(bounded, after: "5")
        #expect(state.bytes.isEmpty && state.end)
        let unit = ConstraintSpec.jsonSchema(##"{"type":"number","minimum":0,"exclusiveMaximum":1}"##)
        state = try Self.next(unit, after: "")
        #expect(state.bytes == Self.bytes("0"))
        state = try Self.next(unit, after: "0.")
        #expect(state.bytes == Self.bytes("0123456789"))
    }

    @Test func endIsAllowedExactlyWhenComplete() throws {
        var state = try Self.next(.regex("a+"), after: "")
        #expect(state.bytes == Self.bytes("a") && !state.end)
        state = try Self.next(.regex("a+"), after: "aaa")
        #expect(state.bytes == Self.bytes("a") && state.end && !state.complete)
        state = try Self.next(.regex("abc"), after: "abc")
        #expect(state.bytes.isEmpty && state.end && state.complete)
        state = try Self.next(.regex(""), after: "")
        #expect(state.bytes.isEmpty && state.end)
        state = try Self.next(.jsonObject, after: "")
        #expect(state.bytes == Self.bytes("{"))
    }

    @Test func tokensSpanningRulesAreCheckedAgainstTheRealContext() throws {
        let fixture = ConstraintsFixtures.synthetic()
        func allowed(_ spec: ConstraintSpec, _ prefix: [String]) throws -> Set<String> {
            var matcher = GrammarMatcher(grammar: try CompiledGrammar(spec), vocabulary: fixture.vocabulary)
            for piece in prefix {
                let token = try #require(fixture.bytes.firstIndex(of: Array(piece.utf8)))
                let accepted = matcher.accept(Int32(token))
                try #require(accepted, "\(piece) refused")
            }
            var mask = TokenMask(count: fixture.vocabulary.count)
            matcher.allowedTokens(into: &mask)
            #expect(!mask.contains(fixture.excluded))
            return Set(mask.allowedTokens.map { String(decoding: fixture.bytes[Int($0)], as: UTF8.self) })
        }
        let two = ConstraintSpec.jsonSchema(
            ##"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}"##
        )
        var next = try allowed(two, ["{\"", "name", "\": \"", "ab"])
        #expect(next.contains("\","))
        #expect(!next.contains("\"}"), "age is still required")
        #expect(next.contains("abc") && next.contains("\"") && !next.contains("<end>"))
        next = try allowed(two, ["{\"", "name", "\": \"", "ab", "\", \"", "age", "\": ", "12"])
        #expect(next.contains("}") && next.contains("345") && !next.contains("}}") && !next.contains("},"))
        let nested = ConstraintSpec.jsonSchema(
            ##"{"type":"array","items":{"type":"object","properties":{"v":{"type":"string"}},"required":["v"],"additionalProperties":false}}"##
        )
        next = try allowed(nested, ["[{", "\"", "v", "\": \"", "ab", "\"}"])
        #expect(next.contains("]") && next.contains(",") && next.contains("],") == false)
        next = try allowed(nested, ["[{", "\"", "v", "\": \"", "ab"])
        #expect(next.contains("\"}") && !next.contains("\"]"))
    }

    @Test func applyingAMaskSetsDisallowedLogitsToMinusInfinity() {
        var mask = TokenMask(count: 130)
        for token: Int32 in [0, 63, 64, 127, 129] { mask.insert(token) }
        for i in 0..<64 { mask.insert(Int32(64 + i)) }
        var logits = [Float](repeating: 1, count: 140)
        logits.withUnsafeMutableBufferPointer { mask.apply(to: $0) }
        let kept = logits.indices.filter { logits[$0] == 1 }
        #expect(kept == [0, 63] + Array(64..<128) + [129])
        #expect(logits[1] == -.infinity && logits[128] == -.infinity && logits[135] == -.infinity)
        #expect(mask.allowedCount == 67 && !mask.contains(130) && !mask.contains(-1))
    }

    @Test func longGenerationsStayCorrectAndCompact() throws {
        let grammar = try CompiledGrammar(
            .jsonSchema(##"{"type":"array","items":{"type":"array","items":{"type":"integer"}}}"##))
        var matcher = GrammarMatcher(grammar: grammar, vocabulary: Self.vocabulary)
        var text = "["
        for i in 0..<3_000 {
            text += (i == 0 ? "" : ", ") + "[\(i), [], -7]".replacingOccurrences(of: ", [], ", with: ", ")
        }
        text += "]"
        for byte in text.utf8 {
            let accepted = matcher.accept(Int32(byte))
            try #require(accepted)
        }
        #expect(matcher.isComplete)
        #expect(matcher.frameCount < 4 * 4_096, "old frames are dropped")
        var nested = GrammarMatcher(grammar: try CompiledGrammar(.jsonObject), vocabulary: Self.vocabulary)
        let deep = String(repeating: "{\"a\":[", count: 2_000) + String(repeating: "]}", count: 2_000)
        for byte in deep.utf8 {
            let accepted = nested.accept(Int32(byte))
            try #require(accepted)
        }
        #expect(nested.isComplete)
    }
}
