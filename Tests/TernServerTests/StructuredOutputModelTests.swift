import Foundation
import HummingbirdTesting
import TernEngine
import TernTemplates
import Testing

/// Structured outputs and tool calls with the real model behind the whole server: every answer
/// that finishes normally parses and validates, with and without streaming. The suite shares one
/// model, so its tests run one at a time.
@Suite(.serialized) struct StructuredOutputModelTests {
    static let schemas: [(name: String, schema: String, ask: String)] = [
        (
            "nested object",
            #"{"type":"object","properties":{"name":{"type":"string","maxLength":24},"age":{"type":"integer","minimum":0,"maximum":120},"address":{"type":"object","properties":{"city":{"type":"string","maxLength":24},"zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["city","zip"],"additionalProperties":false},"tags":{"type":"array","items":{"enum":["friend","work","family"]},"maxItems":3}},"required":["name","age","address","tags"],"additionalProperties":false}"#,
            "Describe a person with a name, age, address and tags, as JSON."
        ),
        (
            "array of objects",
            #"{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer","minimum":1,"maximum":99},"done":{"type":"boolean"},"title":{"type":"string","minLength":1,"maxLength":30}},"required":["id","done","title"],"additionalProperties":false},"minItems":1,"maxItems":3}"#,
            "List two tasks of a todo list as JSON."
        ),
        (
            "enums, const, unions and null",
            #"{"type":"object","properties":{"color":{"enum":["red","green","blue"]},"size":{"anyOf":[{"type":"integer","minimum":1,"maximum":10},{"type":"null"}]},"kind":{"const":"shirt"},"price":{"type":["number","null"]}},"required":["color","size","kind","price"],"additionalProperties":false}"#,
            "Describe a shirt as JSON."
        ),
        (
            "$ref and $defs",
            ##"{"$defs":{"point":{"type":"object","properties":{"x":{"type":"integer","minimum":-9,"maximum":9},"y":{"type":"integer","minimum":-9,"maximum":9}},"required":["x","y"],"additionalProperties":false}},"type":"object","properties":{"from":{"$ref":"#/$defs/point"},"to":{"$ref":"#/$defs/point"}},"required":["from","to"],"additionalProperties":false}"##,
            "Give a line segment between two points as JSON."
        ),
        (
            "recursion",
            ##"{"$defs":{"node":{"type":"object","properties":{"name":{"type":"string","maxLength":12},"children":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["name","children"],"additionalProperties":false}},"$ref":"#/$defs/node"}"##,
            "Give a small family tree as JSON."
        ),
    ]

    static func chat(_ user: String, _ extra: String) -> String {
        let content = String(decoding: try! JSONSerialization.data(withJSONObject: [user], options: []), as: UTF8.self)
        return #"{"messages":[{"role":"user","content":\#(content.dropFirst().dropLast())}],\#(extra)}"#
    }

    @Test func jsonSchemaAnswersParseAndValidate() async throws {
        let model = try RealModel.served()
        let (stopped, total) = try await TestServer(models: [model]).test { client in
            var stopped = 0
            var total = 0
            for (name, schema, ask) in Self.schemas {
                let check = try SchemaCheck(schema)
                let format =
                    #""response_format":{"type":"json_schema","json_schema":{"name":"t","schema":\#(schema),"strict":true}}"#
                let body = Self.chat(ask, #"\#(format),"n":3,"seed":7,"temperature":0.8,"max_tokens":200"#)
                let response = try await client.post("/v1/chat/completions", json: body)
                #expect(response.status == .ok, "\(name): \(response.text)")
                for choice in try #require(try response.json["choices"] as? [[String: Any]]) {
                    total += 1
                    let text = try #require(value(choice, "message", "content") as? String)
                    guard choice["finish_reason"] as? String == "stop" else { continue }
                    stopped += 1
                    #expect(check.problems(text) == [], "\(name): \(text)")
                }
            }
            return (stopped, total)
        }
        #expect(stopped * 2 >= total, "most answers should be complete: \(stopped) of \(total)")
    }

    @Test func streamedJSONIsTheSameDocument() async throws {
        let model = try RealModel.served()
        let (name, schema, ask) = Self.schemas[0]
        try await TestServer(models: [model]).test { client in
            let format = #""response_format":{"type":"json_schema","json_schema":{"schema":\#(schema)}}"#
            let body = Self.chat(ask, #"\#(format),"seed":3,"temperature":0,"max_tokens":200"#)
            let whole = try await client.post("/v1/chat/completions", json: body)
            let text = try #require(value(try whole.json, "choices", 0, "message", "content") as? String)
            let stream = try await client.post(
                "/v1/chat/completions",
                json: Self.chat(ask, #"\#(format),"seed":3,"temperature":0,"max_tokens":200,"stream":true"#))
            let streamed = try stream.eventObjects.compactMap { value($0, "choices", 0, "delta", "content") as? String }
            #expect(streamed.joined() == text, "\(name)")
            if try value(whole.json, "choices", 0, "finish_reason") as? String == "stop" {
                #expect(try SchemaCheck(schema).problems(text) == [])
            }
        }
    }

    @Test func jsonObjectAnswersAreObjects() async throws {
        let model = try RealModel.served()
        try await TestServer(models: [model]).test { client in
            let body = Self.chat(
                "Give me a JSON object about a cat.",
                #""response_format":{"type":"json_object"},"n":3,"seed":1,"temperature":0.7,"max_tokens":120"#)
            let response = try await client.post("/v1/chat/completions", json: body)
            for choice in try #require(try response.json["choices"] as? [[String: Any]])
            where choice["finish_reason"] as? String == "stop" {
                let text = try #require(value(choice, "message", "content") as? String)
                #expect(try SchemaCheck(#"{"type":"object"}"#).problems(text) == [], "\(text)")
            }
        }
    }

    @Test func regexAnswersMatch() async throws {
        let model = try RealModel.served()
        let patterns = [
            #"\d{3}-\d{4}"#, "(red|green|blue)", "[A-Z][a-z]{2,9}( [A-Z][a-z]{2,9}){0,2}",
            #"(yes|no), because [a-z ]{1,40}\."#,
        ]
        try await TestServer(models: [model]).test { client in
            for pattern in patterns {
                let escaped = String(
                    decoding: try JSONSerialization.data(withJSONObject: [pattern]), as: UTF8.self
                ).dropFirst().dropLast()
                let format = #""response_format":{"type":"regex","schema":\#(escaped)}"#
                let chat = try await client.post(
                    "/v1/chat/completions",
                    json: Self.chat("Answer briefly: is the sky blue?", #"\#(format),"n":2,"seed":5,"max_tokens":60"#))
                let completion = try await client.post(
                    "/v1/completions", json: #"{"prompt":"My answer:",\#(format),"seed":5,"max_tokens":60}"#)
                var texts: [String] = []
                for choice in try #require(try chat.json["choices"] as? [[String: Any]])
                where choice["finish_reason"] as? String == "stop" {
                    texts.append(try #require(value(choice, "message", "content") as? String))
                }
                if try value(completion.json, "choices", 0, "finish_reason") as? String == "stop" {
                    texts.append(try #require(value(try completion.json, "choices", 0, "text") as? String))
                }
                #expect(!texts.isEmpty, "\(pattern)")
                for text in texts {
                    #expect(
                        text.range(of: "^(?:\(pattern))$", options: .regularExpression) != nil, "\(pattern): \(text)")
                }
            }
        }
    }

    static let tools = #"""
        [{"type":"function","function":{"name":"get_weather","description":"Current weather in a city",
          "parameters":{"type":"object","properties":{"city":{"type":"string","maxLength":30},"unit":{"enum":["celsius","fahrenheit"]}},"required":["city","unit"],"additionalProperties":false}}},
         {"type":"function","function":{"name":"add","description":"Add two integers",
          "parameters":{"type":"object","properties":{"a":{"type":"integer","minimum":-1000,"maximum":1000},"b":{"type":"integer","minimum":-1000,"maximum":1000}},"required":["a","b"],"additionalProperties":false}}}]
        """#

    static func parameterChecks() throws -> [String: SchemaCheck] {
        let tools = try TemplateValue(parsingJSON: Self.tools).arrayValue ?? []
        var checks: [String: SchemaCheck] = [:]
        for tool in tools {
            let name = try #require(tool["function"]?["name"]?.stringValue)
            checks[name] = try SchemaCheck(try #require(tool["function"]?["parameters"]).jsonText)
        }
        return checks
    }

    /// Every call names a tool and its arguments validate against that tool's parameters.
    static func expectValid(_ calls: [[String: Any]], _ checks: [String: SchemaCheck], _ context: String) {
        for call in calls {
            let name = value(call, "function", "name") as? String ?? ""
            let arguments = value(call, "function", "arguments") as? String ?? ""
            guard let check = checks[name] else {
                Issue.record("\(context): unknown tool \(name)")
                continue
            }
            #expect(check.problems(arguments) == [], "\(context): \(name) \(arguments)")
            #expect((call["id"] as? String)?.hasPrefix("call_") == true)
        }
    }

    @Test func requiredAndNamedToolCallsAlwaysValidate() async throws {
        let model = try RealModel.served()
        let checks = try Self.parameterChecks()
        let choices = [
            (#""required""#, nil as String?),
            (#"{"type":"function","function":{"name":"add"}}"#, "add"),
            (#"{"type":"function","function":{"name":"get_weather"}}"#, "get_weather"),
        ]
        try await TestServer(models: [model]).test { client in
            for (choice, named) in choices {
                let body = Self.chat(
                    "What is the weather in Paris, and what is 2 + 3?",
                    #""tools":\#(Self.tools),"tool_choice":\#(choice),"n":3,"seed":11,"temperature":0.9,"max_tokens":120"#
                )
                let response = try await client.post("/v1/chat/completions", json: body)
                #expect(response.status == .ok, "\(response.text)")
                var called = 0
                for answer in try #require(try response.json["choices"] as? [[String: Any]]) {
                    guard answer["finish_reason"] as? String == "tool_calls" else {
                        #expect(answer["finish_reason"] as? String == "length", "\(answer)")
                        continue
                    }
                    called += 1
                    #expect(value(answer, "message", "content") is NSNull)
                    let calls = try #require(value(answer, "message", "tool_calls") as? [[String: Any]])
                    #expect(!calls.isEmpty)
                    if let named {
                        #expect(calls.count == 1)
                        #expect(calls.allSatisfy { value($0, "function", "name") as? String == named })
                    }
                    Self.expectValid(calls, checks, choice)
                }
                #expect(called >= 2, "\(choice): most answers should finish with their calls")
            }
        }
    }

    @Test func streamedToolCallsValidateAndMatchTheirDeltas() async throws {
        let model = try RealModel.served()
        let checks = try Self.parameterChecks()
        try await TestServer(models: [model]).test { client in
            for seed in 1...3 {
                let body = Self.chat(
                    "What is 12 + 30?",
                    #""tools":\#(Self.tools),"tool_choice":"required","stream":true,"seed":\#(seed),"temperature":0.9,"max_tokens":120"#
                )
                let response = try await client.post("/v1/chat/completions", json: body)
                let chunks = try response.eventObjects
                let deltas = chunks.compactMap { value($0, "choices", 0, "delta") as? [String: Any] }
                #expect(deltas.compactMap { $0["content"] as? String }.joined() == "")
                let toolDeltas = deltas.flatMap { $0["tool_calls"] as? [[String: Any]] ?? [] }
                var calls: [[String: Any]] = []
                for delta in toolDeltas {
                    let index = try #require(delta["index"] as? Int)
                    if let id = delta["id"] as? String {
                        #expect(index == calls.count)
                        let name = value(delta, "function", "name") as? String ?? ""
                        let function: [String: Any] = ["name": name, "arguments": ""]
                        calls.append(["id": id, "function": function])
                    } else {
                        var function = try #require(calls[index]["function"] as? [String: Any])
                        let fragment = value(delta, "function", "arguments") as? String ?? ""
                        function["arguments"] = (function["arguments"] as? String ?? "") + fragment
                        calls[index]["function"] = function
                    }
                }
                let finish = chunks.compactMap { value($0, "choices", 0, "finish_reason") as? String }
                #expect(finish.count == 1)
                if finish == ["tool_calls"] {
                    #expect(!calls.isEmpty)
                    Self.expectValid(calls, checks, "stream seed \(seed)")
                }
                #expect(!response.text.contains("<tool_call>"))
            }
        }
    }

    @Test func autoAnswersNeverShowMarkup() async throws {
        let model = try RealModel.served()
        let checks = try Self.parameterChecks()
        try await TestServer(models: [model]).test { client in
            for question in ["What is the weather in Berlin?", "Tell me a joke.", "Add 40 and 2 with the tool."] {
                let body = Self.chat(
                    question, #""tools":\#(Self.tools),"n":3,"seed":2,"temperature":0.8,"max_tokens":100"#)
                let response = try await client.post("/v1/chat/completions", json: body)
                #expect(response.status == .ok, "\(response.text)")
                for answer in try #require(try response.json["choices"] as? [[String: Any]]) {
                    let content = value(answer, "message", "content") as? String ?? ""
                    #expect(!content.contains("<tool_call>") && !content.contains("</tool_call>"), "\(content)")
                    let calls = value(answer, "message", "tool_calls") as? [[String: Any]] ?? []
                    if answer["finish_reason"] as? String == "tool_calls" {
                        #expect(!calls.isEmpty)
                        Self.expectValid(calls, checks, question)
                    }
                }
            }
        }
    }

    @Test func toolResultsRenderBackForTheNextTurn() async throws {
        let model = try RealModel.served()
        try await TestServer(models: [model]).test { client in
            let body = #"""
                {"messages":[{"role":"user","content":"What is 2 + 3?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"add","arguments":"{\"a\":2,\"b\":3}"}}]},
                  {"role":"tool","tool_call_id":"call_a","content":"5"}],
                 "tools":\#(Self.tools),"max_tokens":30,"temperature":0}
                """#
            let response = try await client.post("/v1/chat/completions", json: body)
            #expect(response.status == .ok, "\(response.text)")
            let rendered = try await client.post("/v1/chat/render", json: body)
            let text = try #require(try rendered.json["text"] as? String)
            #expect(text.contains(#"<tool_call>{"name": "add", "arguments": {"a": 2, "b": 3}}</tool_call>"#))
            #expect(
                text.contains(
                    "<|im_start|>user\n<tool_response>\n{\"name\": \"add\", \"content\": 5}\n</tool_response>"))
        }
    }

    @Test func unsupportedKeywordsAreRefusedBeforeGenerating() async throws {
        let model = try RealModel.served()
        try await TestServer(models: [model]).test { client in
            let body = Self.chat(
                "hi",
                #""response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object","dependentRequired":{"a":["b"]}}}}"#
            )
            let response = try await client.post("/v1/chat/completions", json: body)
            #expect(response.status == .unprocessableContent)
            #expect(try (response.json["message"] as? String)?.contains("dependentRequired") == true)
        }
    }
}
