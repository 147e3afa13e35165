import Foundation
import Testing

@testable import TernServer

/// The tool-call parser on its own: every way of splitting the output into deltas gives the same
/// answer, markup never shows as text, and calls are announced as soon as their name is known.
@Suite struct ToolCallParserTests {
    /// Ids `call_0`, `call_1`, … per parser.
    final class Counter: @unchecked Sendable {
        private var next = 0
        func id() -> String {
            defer { next += 1 }
            return "call_\(next)"
        }
    }

    static func parse(_ pieces: [String]) -> [ToolCallEvent] {
        let counter = Counter()
        var parser = ToolCallParser(makeID: { counter.id() })
        var events: [ToolCallEvent] = []
        for piece in pieces { events += parser.push(piece) }
        return ToolCallParser.coalesced(events + parser.finish())
    }

    /// Every split of `text` into two or three pieces parses like the whole.
    static func expectSplitsAgree(_ text: String, _ expected: [ToolCallEvent]) {
        let characters = Array(text)
        #expect(parse([text]) == expected, "whole")
        for cut in 0...characters.count {
            let pieces = [String(characters[..<cut]), String(characters[cut...])]
            #expect(parse(pieces) == expected, "split at \(cut)")
        }
        for size in [1, 2, 3, 5] {
            let pieces = stride(from: 0, to: characters.count, by: size).map {
                String(characters[$0..<min($0 + size, characters.count)])
            }
            #expect(parse(pieces) == expected, "pieces of \(size)")
        }
    }

    @Test func plainTextPassesThrough() {
        Self.expectSplitsAgree("Hello <b>world</b> a<t b", [.content("Hello <b>world</b> a<t b")])
        Self.expectSplitsAgree("ends with <tool", [.content("ends with <tool")])
        Self.expectSplitsAgree(" spaced \n", [.content(" spaced \n")])
    }

    @Test func oneCallBecomesStartAndArguments() {
        let text = #"<tool_call>{"name": "get_weather", "arguments": {"city": "Paris", "days": [1, 2]}}</tool_call>"#
        Self.expectSplitsAgree(
            text,
            [
                .callStarted(index: 0, id: "call_0", name: "get_weather"),
                .arguments(index: 0, #"{"city":"Paris","days":[1,2]}"#),
            ])
    }

    @Test func textBeforeCallsKeepsOnlyItsVisiblePart() {
        let text =
            "Let me check.\n<tool_call>\n{\"name\":\"a\",\"arguments\":{}}\n</tool_call>\n"
            + "<tool_call>{\"name\":\"b\",\"arguments\":{\"x\":\"}{\\\"\"}}</tool_call>\n"
        Self.expectSplitsAgree(
            text,
            [
                .content("Let me check."),
                .callStarted(index: 0, id: "call_0", name: "a"),
                .arguments(index: 0, "{}"),
                .callStarted(index: 1, id: "call_1", name: "b"),
                .arguments(index: 1, #"{"x":"}{\""}"#),
            ])
    }

    @Test func argumentsBeforeNameAndStringArgumentsAndMissingArguments() {
        Self.expectSplitsAgree(
            #"<tool_call>{"arguments": {"q": 1}, "name": "f"}</tool_call>"#,
            [.callStarted(index: 0, id: "call_0", name: "f"), .arguments(index: 0, #"{"q":1}"#)])
        Self.expectSplitsAgree(
            #"<tool_call>{"name": "f", "arguments": "{\"q\": 1}"}</tool_call>"#,
            [.callStarted(index: 0, id: "call_0", name: "f"), .arguments(index: 0, #"{"q": 1}"#)])
        Self.expectSplitsAgree(
            #"<tool_call>{"name": "f"}</tool_call>"#,
            [.callStarted(index: 0, id: "call_0", name: "f"), .arguments(index: 0, "{}")])
        Self.expectSplitsAgree(
            #"<tool_call>{"name": "f", "parameters": {"a": true}}</tool_call>"#,
            [.callStarted(index: 0, id: "call_0", name: "f"), .arguments(index: 0, #"{"a":true}"#)])
    }

    @Test func notACallStaysText() {
        Self.expectSplitsAgree("<tool_call>hello", [.content("<tool_call>hello")])
        Self.expectSplitsAgree(#"<tool_call>{"x": 1}</tool_call>"#, [.content(#"<tool_call>{"x": 1}</tool_call>"#)])
    }

    @Test func cutOffCallsKeepWhatWasAnnounced() {
        #expect(Self.parse([#"Hi <tool_call>{"na"#]) == [.content("Hi")])
        #expect(
            Self.parse([#"Hi <tool_call>{"name": "f", "argu"#])
                == [.content("Hi"), .callStarted(index: 0, id: "call_0", name: "f")])
        #expect(
            Self.parse([#"<tool_call>{"name": "f", "arguments": {"a": [1, "#])
                == [.callStarted(index: 0, id: "call_0", name: "f"), .arguments(index: 0, #"{"a":[1,"#)])
        #expect(Self.parse(["<tool_call>  "]) == [])
    }

    @Test func argumentsStreamAsTheyArrive() {
        let counter = Counter()
        var parser = ToolCallParser(makeID: { counter.id() })
        #expect(parser.push("<tool_call>{\"name\": \"look") == [])
        #expect(parser.push("up\"") == [.callStarted(index: 0, id: "call_0", name: "lookup")])
        #expect(parser.push(", ") == [])
        #expect(parser.push("\"arguments\": {\"ter") == [.arguments(index: 0, "{\"ter")])
        #expect(parser.push("m\": \"x\"}") == [.arguments(index: 0, "m\":\"x\"}")])
        #expect(parser.push("}</tool_") == [])
        #expect(parser.push("call>") == [])
        #expect(parser.finish() == [])
        #expect(parser.callCount == 1)
    }

    @Test func parsedAnswerShapes() {
        let answer = ParsedAnswer(#"<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call>"#, makeID: { "call_x" })
        #expect(answer.content == nil)
        #expect(answer.toolCalls == [ToolCallWire(id: "call_x", function: .init(name: "f", arguments: #"{"a":1}"#))])
        let text = ParsedAnswer("just text")
        #expect(text.content == "just text" && text.toolCalls.isEmpty)
        let empty = ParsedAnswer("")
        #expect(empty.content == "")
        #expect(ToolCallParser.newCallID().hasPrefix("call_"))
        #expect(ToolCallParser.newCallID().count == 29)
    }
}
