import Foundation
import Hummingbird
import HummingbirdTesting
import TernEngine
import TernServer
import Testing

/// Tool calls on the fake model, which writes scripted text: the answer's shape with and without
/// streaming, and how tools and tool-call history reach the prompt.
@Suite struct ToolCallingTests {
    static let weather =
        #"{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["c","f"]}},"required":["city"]}}}"#
    static let ask = #""messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[\#(weather)]"#
    static let twoCalls =
        "\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"c\"}}\n</tool_call>\n"
        + "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Lyon\"}}</tool_call>"

    /// A fake model that writes `text` (one token per byte) and ends.
    static func writing(_ text: String) -> FakeModel {
        FakeModel(maxSequenceTokens: 8192) { _ in
            FakeTokenizer().encode(text, addSpecial: false, parseSpecial: false) + [FakeTokenizer.eos]
        }
    }

    @Test func callsAreParsedOutOfTheAnswer() async throws {
        let server = TestServer(models: [Self.writing(Self.twoCalls)])
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: "{\(Self.ask)}")
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json
            let message = try #require(value(body, "choices", 0, "message") as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect(message["content"] is NSNull)
            let calls = try #require(message["tool_calls"] as? [[String: Any]])
            #expect(calls.count == 2)
            for call in calls {
                let id = try #require(call["id"] as? String)
                #expect(id.hasPrefix("call_") && id.count > 10)
                #expect(call["type"] as? String == "function")
                #expect(value(call, "function", "name") as? String == "get_weather")
            }
            #expect(Set(calls.compactMap { $0["id"] as? String }).count == 2)
            let arguments = try calls.map { call in
                try JSONSerialization.jsonObject(with: Data((value(call, "function", "arguments") as! String).utf8))
                    as? [String: String]
            }
            #expect(arguments == [["city": "Paris", "unit": "c"], ["city": "Lyon"]])
            #expect(value(body, "choices", 0, "finish_reason") as? String == "tool_calls")
        }
        #expect(await server.usageRows().first?.finishReason == "tool_calls")
    }

    @Test func streamedCallsArriveAsDeltasAndNeverAsText() async throws {
        let server = TestServer(models: [Self.writing("Checking." + Self.twoCalls)])
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: #"{\#(Self.ask),"stream":true}"#)
            #expect(response.status == .ok)
            #expect(response.events.last == "[DONE]")
            let chunks = try response.eventObjects
            let deltas = chunks.compactMap { value($0, "choices", 0, "delta") as? [String: Any] }
            #expect(deltas.first?["role"] as? String == "assistant")
            let content = deltas.compactMap { $0["content"] as? String }.joined()
            #expect(content == "Checking.")
            let toolDeltas = deltas.flatMap { $0["tool_calls"] as? [[String: Any]] ?? [] }
            // Each call starts with index, id, type, name and empty arguments; fragments follow.
            let starts = toolDeltas.filter { $0["id"] != nil }
            #expect(starts.count == 2)
            for (position, start) in starts.enumerated() {
                #expect(start["index"] as? Int == position)
                #expect(start["type"] as? String == "function")
                #expect(value(start, "function", "name") as? String == "get_weather")
                #expect(value(start, "function", "arguments") as? String == "")
            }
            for fragment in toolDeltas where fragment["id"] == nil {
                #expect(fragment["type"] == nil && value(fragment, "function", "name") == nil)
                #expect(fragment["index"] is Int)
            }
            let arguments = (0..<2).map { index in
                toolDeltas.filter { $0["index"] as? Int == index }.compactMap {
                    value($0, "function", "arguments") as? String
                }.joined()
            }
            #expect(arguments == [#"{"city":"Paris","unit":"c"}"#, #"{"city":"Lyon"}"#])
            let finishes = chunks.compactMap { value($0, "choices", 0, "finish_reason") as? String }
            #expect(finishes == ["tool_calls"])
            #expect(!response.text.contains("tool_call>"))
        }
        #expect(await server.usageRows().first?.finishReason == "tool_calls")
    }

    @Test func streamAndNonStreamAgreeOnEveryOutput() async throws {
        let outputs = [
            "Plain answer with a < sign and <tool", Self.twoCalls, "Sure:" + Self.twoCalls + "\n",
            #"<tool_call>{"name": "get_weather", "arguments": {"city": "Pa"#,
        ]
        for output in outputs {
            try await TestServer(models: [Self.writing(output)]).test { client in
                let whole = try await client.post("/v1/chat/completions", json: #"{\#(Self.ask),"max_tokens":4000}"#)
                let message = try #require(value(try whole.json, "choices", 0, "message") as? [String: Any])
                let stream = try await client.post("/v1/chat/completions", json: #"{\#(Self.ask),"stream":true}"#)
                let deltas = try stream.eventObjects.compactMap { value($0, "choices", 0, "delta") as? [String: Any] }
                let content = deltas.compactMap { $0["content"] as? String }.joined()
                #expect(content == (message["content"] as? String ?? ""), "\(output)")
                let streamedCalls = deltas.flatMap { $0["tool_calls"] as? [[String: Any]] ?? [] }
                let calls = message["tool_calls"] as? [[String: Any]] ?? []
                #expect(streamedCalls.filter { $0["id"] != nil }.count == calls.count, "\(output)")
                for (index, call) in calls.enumerated() {
                    let streamed = streamedCalls.filter { $0["index"] as? Int == index }
                        .compactMap { value($0, "function", "arguments") as? String }.joined()
                    #expect(streamed == value(call, "function", "arguments") as? String, "\(output)")
                }
            }
        }
    }

    @Test func aTextAnswerStaysText() async throws {
        try await TestServer(models: [Self.writing("It is sunny.")]).test { client in
            let response = try await client.post("/v1/chat/completions", json: "{\(Self.ask)}")
            let message = try #require(value(try response.json, "choices", 0, "message") as? [String: Any])
            #expect(message["content"] as? String == "It is sunny.")
            #expect(message["tool_calls"] == nil)
            #expect(try value(response.json, "choices", 0, "finish_reason") as? String == "stop")
        }
    }

    @Test func toolChoiceNoneLeavesToolsOutAndTextAlone() async throws {
        let model = Self.writing(Self.twoCalls)
        try await TestServer(models: [model]).test { client in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.ask),"tool_choice":"none"}"#)
            #expect(try value(response.json, "choices", 0, "message", "content") as? String == Self.twoCalls)
        }
        let prompt = FakeTokenizer().decode(try #require(model.received.first).promptTokens, skipSpecial: false)
        #expect(!prompt.contains("get_weather"))
        #expect(model.received.first?.constraint == nil)
    }

    @Test func severalChoicesEachGetTheirCalls() async throws {
        let call = #"<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call>"#
        try await TestServer(models: [Self.writing(call)]).test { client in
            let response = try await client.post("/v1/chat/completions", json: #"{\#(Self.ask),"n":2}"#)
            let choices = try #require(try response.json["choices"] as? [[String: Any]])
            #expect(choices.count == 2)
            for choice in choices {
                #expect(choice["finish_reason"] as? String == "tool_calls")
                #expect((value(choice, "message", "tool_calls") as? [Any])?.count == 1)
            }
            let stream = try await client.post("/v1/chat/completions", json: #"{\#(Self.ask),"n":2,"stream":true}"#)
            let finishes = try stream.eventObjects.compactMap { value($0, "choices", 0, "finish_reason") as? String }
            #expect(finishes == ["tool_calls", "tool_calls"])
        }
    }

    @Test func theFallbackPromptListsTheToolsAndRendersHistory() async throws {
        let model = Self.writing("ok")
        let history = #"""
            "messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Weather in Paris and Rome?"},
             {"role":"assistant","content":null,"tool_calls":[
               {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}},
               {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"{\"temp\": 21}"},
             {"role":"tool","tool_call_id":"call_2","content":"sunny"}]
            """#
        try await TestServer(models: [model]).test { client in
            let rendered = try await client.post(
                "/v1/chat/render", json: #"{\#(history),"tools":[\#(Self.weather)]}"#)
            #expect(rendered.status == .ok, "\(rendered.text)")
            let text = try #require(try rendered.json["text"] as? String)
            #expect(text.hasPrefix("<|im_start|>system\nBe terse.\n\n# Tools\n"))
            // The tool as sent (key order kept), and the answer format.
            #expect(
                text.contains(
                    #"{"type": "function", "function": {"name": "get_weather", "description": "Weather now", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}}, "required": ["city"]}}}"#
                ))
            #expect(
                text.contains(#"<tool_call>{"name": "<tool name>", "arguments": {<arguments as JSON>}}</tool_call>"#))
            #expect(
                text.contains(
                    "<|im_start|>assistant\n"
                        + #"<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>"# + "\n"
                        + #"<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call><|im_end|>"#))
            #expect(
                text.contains(
                    "<|im_start|>user\n<tool_response>\n"
                        + #"{"name": "get_weather", "content": {"temp": 21}}"# + "\n</tool_response>\n<tool_response>\n"
                        + #"{"name": "get_weather", "content": "sunny"}"# + "\n</tool_response><|im_end|>"))
            #expect(text.hasSuffix("<|im_start|>assistant\n"))
            // The same conversation without tools renders its history the same way, without the tool list.
            let plain = try await client.post("/v1/chat/render", json: "{\(history)}")
            let plainText = try #require(try plain.json["text"] as? String)
            #expect(!plainText.contains("# Tools"))
            #expect(plainText.contains("<tool_response>"))
            // A chat request shows the model exactly what /chat/render shows.
            _ = try await client.post("/v1/chat/completions", json: #"{\#(history),"tools":[\#(Self.weather)]}"#)
        }
        let prompt = FakeTokenizer().decode(
            Array(try #require(model.received.first).promptTokens.dropFirst()), skipSpecial: false)
        #expect(prompt.contains("# Tools"))
        #expect(prompt.contains("If no tool is needed, answer the user directly instead."))
    }

    @Test func aTemplateThatKnowsToolsGetsThemNatively() async throws {
        let template = #"""
            {% if tools %}TOOLS:{{ tools | tojson }}
            {% endif %}{% for m in messages %}{{ m.role }}:{% if m.tool_calls %}{% for c in m.tool_calls %}CALL {{ c.function.name }} {{ c.function.arguments | tojson }};{% endfor %}{% else %}{{ m.content }}{% endif %}
            {% endfor %}
            """#
        let model = FakeModel(chatTemplate: template, maxSequenceTokens: 8192)
        let history = #"""
            "messages":[{"role":"user","content":"hi"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\",\"a\":1}"}}]},
             {"role":"tool","tool_call_id":"c1","content":"cold"}]
            """#
        try await TestServer(models: [model]).test { client in
            let rendered = try await client.post("/v1/chat/render", json: #"{\#(history),"tools":[\#(Self.weather)]}"#)
            let text = try #require(try rendered.json["text"] as? String)
            #expect(text.hasPrefix(#"TOOLS:[{"type": "function", "function": {"name": "get_weather""#), "\(text)")
            #expect(text.contains(#"assistant:CALL get_weather {"city": "Oslo", "a": 1};"#), "\(text)")
            #expect(text.contains("tool:cold"), "\(text)")
            #expect(!text.contains("# Tools"))
            _ = try await client.post("/v1/chat/completions", json: #"{\#(history),"tools":[\#(Self.weather)]}"#)
        }
        // Models that know the format may separate their calls with whitespace.
        let constraint = try #require(model.received.first?.constraint)
        let call = #"<tool_call>\#n{"name": "get_weather", "arguments": {"city": "Oslo"}}\#n</tool_call>"#
        #expect(StructuredOutputValidationTests.accepts(constraint, call + "\n" + call))
    }

    @Test func requiredAndNamedChoicesInstructTheModel() async throws {
        let model = Self.writing("x")
        try await TestServer(models: [model]).test { client in
            _ = try await client.post("/v1/chat/completions", json: #"{\#(Self.ask),"tool_choice":"required"}"#)
            _ = try await client.post(
                "/v1/chat/completions",
                json: #"{\#(Self.ask),"tool_choice":{"type":"function","function":{"name":"get_weather"}}}"#)
        }
        let prompts = model.received.map { FakeTokenizer().decode($0.promptTokens, skipSpecial: false) }
        #expect(prompts[0].contains("You must call at least one tool now."))
        #expect(prompts[1].contains("You must call the tool \"get_weather\" now, exactly once."))
        #expect(!prompts[1].contains("To call several tools"))
        #expect(prompts[0].contains("To call several tools, write their <tool_call> blocks right after each other."))
    }
}
