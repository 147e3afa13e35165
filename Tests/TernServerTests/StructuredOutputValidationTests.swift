import Foundation
import Hummingbird
import HummingbirdTesting
import TernEngine
import TernSampling
import TernTemplates
import Testing

@testable import TernServer

/// `response_format`, `tools` and `tool_choice` on the fake model: what is accepted, the 422s
/// that name the field (and the schema keyword), and the constraint the engine receives.
@Suite struct StructuredOutputValidationTests {
    static let hi = #""messages":[{"role":"user","content":"hi"}]"#
    static let weather =
        #"{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}"#

    /// A fake model with room for the tool prompt (every byte is a token).
    static func roomyModel(script: @escaping @Sendable (EngineRequest) -> [Int32] = { _ in FakeModel.helloWorld })
        -> FakeModel
    {
        FakeModel(maxSequenceTokens: 8192, script: script)
    }

    @Test(arguments: [
        // response_format shapes
        (#""response_format":"json""#, "response_format", 400),
        (#""response_format":{"type":"xml"}"#, "response_format.type", 422),
        (#""response_format":{}"#, "response_format.type", 422),
        (#""response_format":{"type":"json_schema"}"#, "response_format.json_schema", 422),
        (
            #""response_format":{"type":"json_schema","json_schema":{"name":"x"}}"#,
            "response_format.json_schema.schema", 422
        ),
        (
            #""response_format":{"type":"json_schema","json_schema":{"schema":{},"strict":"yes"}}"#,
            "response_format.json_schema.strict", 400
        ),
        (#""response_format":{"type":"regex"}"#, "response_format.schema", 422),
        // schemas and regexes that cannot be enforced
        (
            #""response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object","properties":{"a":{"not":{"type":"string"}}}}}}"#,
            "response_format.json_schema.schema", 422
        ),
        (
            #""response_format":{"type":"json_schema","json_schema":{"schema":{"$ref":"https://example.com/s.json"}}}"#,
            "response_format.json_schema.schema", 422
        ),
        (
            #""response_format":{"type":"json_schema","json_schema":{"schema":{"type":"string","format":"uri"}}}"#,
            "response_format.json_schema.schema", 422
        ),
        (
            #""response_format":{"type":"json_schema","json_schema":{"schema":{"enum":[]}}}"#,
            "response_format.json_schema.schema", 422
        ),
        (#""response_format":{"type":"regex","schema":"(?=a)b"}"#, "response_format.schema", 422),
        (#""response_format":{"type":"regex","schema":"a(b"}"#, "response_format.schema", 422),
        (
            #""response_format":{"type":"json_object","schema":"{\"type\":\"object\",\"patternProperties\":{}}"}"#,
            "response_format.schema", 422
        ),
        // options that would break constrained output
        (#""response_format":{"type":"json_object"},"stop":["}"]"#, "stop", 422),
        (#""response_format":{"type":"json_object"},"min_tokens":3"#, "min_tokens", 422),
        (#""response_format":{"type":"json_object"},"eos_token":[5]"#, "eos_token", 422),
        (#""response_format":{"type":"json_object"},"ignore_eos":true"#, "ignore_eos", 422),
        (#""response_format":{"type":"json_object"},"min_total_tokens":40"#, "min_total_tokens", 422),
        (#""response_format":{"type":"json_object"},"stop_tokens":[{"tokens":[5]}]"#, "stop_tokens", 422),
        (#""response_format":{"type":"json_object"},"bad_words":["x"]"#, "bad_words", 422),
        (#""response_format":{"type":"json_object"},"bad_word_tokens":[{"tokens":[5]}]"#, "bad_word_tokens", 422),
        (#""response_format":{"type":"json_object"},"no_repeat_ngram":3"#, "no_repeat_ngram", 422),
        // tools
        (#""tools":{"type":"function"}"#, "tools", 400),
        (#""tools":[{"type":"retrieval"}]"#, "tools[0].type", 422),
        (#""tools":[{"type":"function"}]"#, "tools[0].function", 422),
        (#""tools":[{"type":"function","function":{"name":"get weather"}}]"#, "tools[0].function.name", 422),
        (#""tools":[{"type":"function","function":{"description":"x"}}]"#, "tools[0].function.name", 422),
        (#""tools":[\#(weather),\#(weather)]"#, "tools[1].function.name", 422),
        (
            #""tools":[{"type":"function","function":{"name":"f","parameters":"none"}}]"#,
            "tools[0].function.parameters", 400
        ),
        (
            #""tools":[\#(weather),{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string","format":"uri"}}}}}]"#,
            "tools[1].function.parameters", 422
        ),
        (
            #""tools":[{"type":"function","function":{"name":"f","parameters":{"type":"string"}}}]"#,
            "tools[0].function.parameters", 422
        ),
        (#""tool_choice":"required""#, "tool_choice", 422),
        (#""tools":[\#(weather)],"tool_choice":"sometimes""#, "tool_choice", 422),
        (
            #""tools":[\#(weather)],"tool_choice":{"type":"function","function":{"name":"get_time"}}"#,
            "tool_choice.function.name", 422
        ),
        (#""tools":[\#(weather)],"tool_choice":{"type":"function"}"#, "tool_choice.function.name", 422),
        (#""tools":[\#(weather)],"response_format":{"type":"json_object"}"#, "response_format", 422),
        (#""tools":[\#(weather)],"stop":["x"]"#, "stop", 422),
        (#""tools":[\#(weather)],"tool_choice":"required","min_tokens":2"#, "min_tokens", 422),
    ])
    func refusalsNameTheField(fields: String, param: String, status: Int) async throws {
        let server = TestServer(models: [Self.roomyModel()])
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: "{\(Self.hi),\(fields)}")
            #expect(Int(response.status.code) == status, "\(response.text)")
            let json = try response.json
            #expect(value(json, "error", "param") as? String == param, "\(response.text)")
            #expect((json["message"] as? String)?.isEmpty == false)
        }
    }

    @Test func schemaErrorsNameTheKeywordAndWhereItIs() async throws {
        try await TestServer(models: [Self.roomyModel()]).test { client in
            let schema = #"{"type":"object","properties":{"a":{"type":"array","items":{"not":{}}}}}"#
            let response = try await client.post(
                "/v1/chat/completions",
                json:
                    #"{\#(Self.hi),"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":\#(schema)}}}"#
            )
            #expect(response.status == .unprocessableContent)
            let message = try #require(try response.json["message"] as? String)
            #expect(message.contains("'not'"), "\(message)")
            #expect(message.contains("#/properties/a/items/not"), "\(message)")
            #expect(message.contains("response_format.json_schema.schema"), "\(message)")
            #expect(try value(response.json, "error", "code") as? String == "not_supported")
            let tool =
                #"{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"patternProperties":{}}}}}}"#
            let toolResponse = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.hi),"tools":[\#(tool)],"tool_choice":"required"}"#)
            let toolMessage = try #require(try toolResponse.json["message"] as? String)
            #expect(toolMessage.contains("'patternProperties' at #/properties/x/patternProperties"), "\(toolMessage)")
            #expect(try value(toolResponse.json, "error", "param") as? String == "tools[0].function.parameters")
        }
    }

    @Test func completionsTakeResponseFormatButNotTools() async throws {
        let model = Self.roomyModel()
        try await TestServer(models: [model]).test { client in
            let ok = try await client.post(
                "/v1/completions", json: #"{"prompt":"Hello","response_format":{"type":"regex","schema":"[a-z]+"}}"#)
            #expect(ok.status == .ok, "\(ok.text)")
            let tools = try await client.post(
                "/v1/completions", json: #"{"prompt":"Hello","tools":[\#(Self.weather)]}"#)
            #expect(tools.status == .unprocessableContent)
            #expect(try value(tools.json, "error", "param") as? String == "tools")
            let choice = try await client.post("/v1/completions", json: #"{"prompt":"Hello","tool_choice":"required"}"#)
            #expect(try value(choice.json, "error", "param") as? String == "tool_choice")
            let stop = try await client.post(
                "/v1/completions", json: #"{"prompt":"Hello","stop":["x"],"response_format":{"type":"json_object"}}"#)
            #expect(try value(stop.json, "error", "param") as? String == "stop")
        }
        #expect(model.received.count == 1)
        #expect(model.received.first?.constraint != nil)
    }

    @Test func acceptedFormatsReachTheEngineAsConstraints() async throws {
        let model = Self.roomyModel()
        let formats = [
            #"{"type":"text"}"#, #"{"type":"json_object"}"#,
            #"{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object","properties":{"b":{"type":"integer"}}},"strict":true}}"#,
            #"{"type":"json_schema","json_schema":{"schema":true}}"#,
            #"{"type":"json_object","schema":"{\"type\":\"array\"}"}"#,
            #"{"type":"regex","schema":"(yes|no)"}"#, "null",
        ]
        try await TestServer(models: [model]).test { client in
            for format in formats {
                let response = try await client.post(
                    "/v1/chat/completions", json: #"{\#(Self.hi),"response_format":\#(format)}"#)
                #expect(response.status == .ok, "\(format): \(response.text)")
                // The fake model ignores the constraint; the server passes its text through.
                #expect(try value(response.json, "choices", 0, "message", "content") as? String == "Hello world!")
            }
        }
        #expect(model.received.map { $0.constraint != nil } == [false, true, true, true, true, true, false])
        let regex = try #require(model.received[5].constraint)
        #expect(Self.accepts(regex, "yes") && !Self.accepts(regex, "maybe"))
        let array = try #require(model.received[4].constraint)
        #expect(Self.accepts(array, "[1]") && !Self.accepts(array, "{}"))
    }

    @Test func toolChoiceDecidesTheGrammar() async throws {
        let model = Self.roomyModel()
        let time = #"{"type":"function","function":{"name":"get_time"}}"#
        let call = #"<tool_call>{"name": "get_weather", "arguments": {"city": "Oslo"}}</tool_call>"#
        let two = call + #"<tool_call>{"name": "get_time", "arguments": {}}</tool_call>"#
        try await TestServer(models: [model]).test { client in
            for choice in [
                #""auto""#, #""required""#, #"{"type":"function","function":{"name":"get_weather"}}"#, #""none""#,
            ] {
                let response = try await client.post(
                    "/v1/chat/completions",
                    json: #"{\#(Self.hi),"tools":[\#(Self.weather),\#(time)],"tool_choice":\#(choice)}"#)
                #expect(response.status == .ok, "\(response.text)")
            }
            let single = try await client.post(
                "/v1/chat/completions",
                json: #"{\#(Self.hi),"tools":[\#(Self.weather),\#(time)],"parallel_tool_calls":false}"#)
            #expect(single.status == .ok)
        }
        let constraints = model.received.map(\.constraint)
        let auto = try #require(constraints[0])
        #expect(Self.accepts(auto, "Just text, no calls."))
        #expect(Self.accepts(auto, "Sure." + call))
        #expect(Self.accepts(auto, two))
        // The fallback prompt asks for calls right after each other: a newline after a call ends it.
        #expect(!Self.accepts(auto, call + "\n" + call))
        #expect(!Self.accepts(auto, call + "\n"))
        #expect(Self.accepts(auto, "a <tool_call"))
        #expect(Self.accepts(auto, "<to<<tool_" + call))
        #expect(!Self.accepts(auto, "x<<tool_call>"))
        #expect(!Self.accepts(auto, #"<tool_call>{"name": "get_weather", "arguments": {}}</tool_call>"#))
        #expect(!Self.accepts(auto, call + " and more text"))
        let required = try #require(constraints[1])
        #expect(!Self.accepts(required, "Just text"))
        #expect(Self.accepts(required, two))
        let named = try #require(constraints[2])
        #expect(Self.accepts(named, call))
        #expect(!Self.accepts(named, two))
        #expect(!Self.accepts(named, #"<tool_call>{"name": "get_time", "arguments": {}}</tool_call>"#))
        #expect(constraints[3] == nil)
        // `get_time` has no parameters: its arguments are an empty object.
        #expect(!Self.accepts(required, #"<tool_call>{"name": "get_time", "arguments": "now"}</tool_call>"#))
        #expect(!Self.accepts(required, #"<tool_call>{"name": "get_time", "arguments": {"a": 1}}</tool_call>"#))
        let single = try #require(constraints[4])
        #expect(Self.accepts(single, call) && !Self.accepts(single, two))
    }

    @Test func keyOrderOfSchemasAndToolsIsKept() throws {
        let body = #"""
            {"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}],
             "response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object","properties":{"zeta":{},"alpha":{},"mid":{}}}}},
             "tools":[{"type":"function","function":{"parameters":{"properties":{"z":{},"a":{}},"type":"object"},"name":"f"}}]}
            """#
        let buffer = ByteBuffer(string: body)
        var decoded = try JSONBodyDecoder.decode(ChatCompletionBody.self, from: buffer)
        try OrderedFields.restore(&decoded, from: buffer)
        let format = try ResponseFormat(decoded.generation.responseFormat)
        #expect(
            format
                == .constrained(
                    .jsonSchema(#"{"type": "object", "properties": {"zeta": {}, "alpha": {}, "mid": {}}}"#),
                    param: "response_format.json_schema.schema"))
        let tools = try ToolCalling(tools: decoded.generation.tools, choice: nil, parallel: nil)
        #expect(tools.tools.first?.parameters.jsonText == #"{"properties": {"z": {}, "a": {}}, "type": "object"}"#)
        #expect(tools.choice == .auto && tools.parallel)
        let open = try ToolCalling(
            tools: try TemplateValue(
                parsingJSON: #"[{"function":{"name":"g","parameters":{}}},{"function":{"name":"h"}}]"#),
            choice: nil, parallel: false)
        #expect(
            open.tools.map(\.parameters.jsonText) == [#"{"type": "object"}"#, #"{"type": "object", "properties": {}}"#])
        #expect(!open.parallel)
        #expect(decoded.messages[0].toolCalls?.arrayValue?.first?["function"]?["name"] == "f")
    }

    @Test func grammarsAreCachedAndTheLeastRecentlyUsedIsDropped() throws {
        let cache = ConstraintCache(capacity: 2)
        let a = GrammarKey.format(.regex("a+"))
        let b = GrammarKey.format(.regex("b+"))
        let c = GrammarKey.format(.regex("c+"))
        _ = try cache.grammar(a)
        _ = try cache.grammar(b)
        _ = try cache.grammar(a)
        _ = try cache.grammar(c)
        #expect(cache.contains(a) && cache.contains(c) && !cache.contains(b))
        let bad = GrammarKey.format(.regex("(?=x)"))
        #expect(throws: GrammarError.self) { try cache.grammar(bad) }
        #expect(cache.contains(bad), "failures are cached too")
        #expect(throws: GrammarError.self) { try cache.grammar(bad) }
        let model = FakeModel()
        let vocabulary = cache.vocabulary(for: model)
        #expect(vocabulary.count == FakeTokenizer().vocabularySize)
    }

    /// Whether `constraint` accepts exactly `text` (fed one byte token at a time, then EOS).
    static func accepts(_ constraint: OutputConstraint, _ text: String) -> Bool {
        var matcher = constraint.makeMatcher()
        for byte in text.utf8 where !matcher.accept(FakeTokenizer.byteBase + Int32(byte)) { return false }
        return matcher.accept(FakeTokenizer.eos)
    }
}
