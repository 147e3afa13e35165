import Foundation
import Hummingbird
import HummingbirdTesting
import TernServer
import Testing

@Suite struct ValidationTests {
    static let hi = #""messages":[{"role":"user","content":"hi"}]"#

    @Test func malformedJSONIs400WithBothMessageShapes() async throws {
        let server = TestServer()
        try await server.test { client in
            for body in [#"{"messages": ["#, "not json", ""] {
                let response = try await client.post("/v1/chat/completions", json: body)
                #expect(response.status == .badRequest, "\(body)")
                let json = try response.json
                let message = try #require(json["message"] as? String)
                #expect(value(json, "error", "message") as? String == message)
                #expect(value(json, "error", "type") as? String == "invalid_request_error")
                #expect(json.keys.contains("error"))
            }
        }
        // Failures after authentication are billed as errors too.
        let rows = await server.usageRows()
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0.status == 400 && $0.errorType == "bad_request" })
    }

    @Test(arguments: [
        (#"{"messages":"hi"}"#, "messages"),
        (#"{\#(hi),"temperature":"hot"}"#, "temperature"),
        (#"{\#(hi),"max_tokens":1.5}"#, "max_tokens"),
        (#"{\#(hi),"stream":"yes"}"#, "stream"),
        (#"{\#(hi),"stop":[1,2]}"#, "stop"),
        (#"{\#(hi),"seed":"x"}"#, "seed"),
        (#"{"messages":[{"role":"user","content":5}]}"#, "messages[0].content"),
        (#"{\#(hi),"logit_bias":{"5":"up"}}"#, "logit_bias.5"),
        (#"[1,2]"#, ""),
    ])
    func wrongTypesAre400NamingTheField(body: String, param: String) async throws {
        try await TestServer().test { client in
            let response = try await client.post("/v1/chat/completions", json: body)
            #expect(response.status == .badRequest)
            let json = try response.json
            if !param.isEmpty {
                #expect(value(json, "error", "param") as? String == param)
                #expect((json["message"] as? String)?.contains(param) == true)
            }
        }
    }

    @Test(arguments: [
        (#"{"messages":[]}"#, "messages"),
        (#"{"model":"fake-model"}"#, "messages"),
        (#"{\#(hi),"max_tokens":-1}"#, "max_tokens"),
        (#"{\#(hi),"max_tokens":0}"#, "max_tokens"),
        (#"{\#(hi),"max_tokens":1000}"#, "max_tokens"),
        (#"{\#(hi),"temperature":2.5}"#, "temperature"),
        (#"{\#(hi),"temperature":-0.1}"#, "temperature"),
        (#"{\#(hi),"top_p":0}"#, "top_p"),
        (#"{\#(hi),"top_p":1.01}"#, "top_p"),
        (#"{\#(hi),"top_k":-1}"#, "top_k"),
        (#"{\#(hi),"min_p":1.5}"#, "min_p"),
        (#"{\#(hi),"n":0}"#, "n"),
        (#"{\#(hi),"n":17}"#, "n"),
        (#"{\#(hi),"presence_penalty":3}"#, "presence_penalty"),
        (#"{\#(hi),"frequency_penalty":-2.5}"#, "frequency_penalty"),
        (#"{\#(hi),"repetition_penalty":0}"#, "repetition_penalty"),
        (#"{\#(hi),"top_logprobs":3}"#, "top_logprobs"),
        (#"{\#(hi),"logprobs":true,"top_logprobs":21}"#, "top_logprobs"),
        (#"{\#(hi),"logit_bias":{"abc":1}}"#, "logit_bias"),
        (#"{\#(hi),"logit_bias":{"5":101}}"#, "logit_bias"),
        (#"{\#(hi),"logit_bias":{"99999":1}}"#, "logit_bias"),
        (#"{\#(hi),"seed":[1,2],"n":3}"#, "seed"),
        (#"{\#(hi),"stop":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]}"#, "stop"),
        (#"{\#(hi),"eos_token":[100000]}"#, "eos_token"),
        (#"{\#(hi),"min_tokens":5,"max_tokens":2}"#, "min_tokens"),
        (#"{"messages":[{"role":"wizard","content":"hi"}]}"#, "messages[0].role"),
        (#"{"messages":[{"role":"user"}]}"#, "messages[0].content"),
        (#"{"messages":[{"role":"tool","content":"42"}]}"#, "messages[0].tool_call_id"),
        (
            #"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}"#,
            "messages[0].content[0]"
        ),
        (#"{\#(hi),"response_format":{"type":"xml"}}"#, "response_format.type"),
        (
            #"{\#(hi),"tools":[{"type":"function","function":{"name":"f g","parameters":{}}}]}"#,
            "tools[0].function.name"
        ),
        (#"{\#(hi),"tool_choice":"required"}"#, "tool_choice"),
    ])
    func outOfRangeValuesAre422NamingTheField(body: String, param: String) async throws {
        let server = TestServer()
        try await server.test { client in
            let response = try await client.post("/v1/chat/completions", json: body)
            #expect(response.status == .unprocessableContent, "\(response.text)")
            let json = try response.json
            #expect(value(json, "error", "param") as? String == param, "\(response.text)")
            #expect((json["message"] as? String)?.isEmpty == false)
        }
        #expect(await server.usageRows().map(\.status) == [422])
    }

    @Test func promptPlusMaxTokensOverTheContextIs422() async throws {
        try await TestServer().test { client in
            // The prompt's length, from the server's own render and tokenize (BOS included).
            let rendered = try await client.post("/v1/chat/render", json: #"{\#(Self.hi)}"#).json["text"] as? String
            let text = try #require(rendered)
            let tokenized = try await client.post(
                "/v1/tokenize",
                json: String(decoding: try JSONSerialization.data(withJSONObject: ["prompt": text]), as: UTF8.self))
            let promptTokens = try #require(try tokenized.json["tokens"] as? [Int]).count
            let room = 64 - promptTokens
            let fits = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi),"max_tokens":\#(room)}"#)
            #expect(fits.status == .ok)
            let over = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi),"max_tokens":\#(room + 1)}"#)
            #expect(over.status == .unprocessableContent)
            #expect(try value(over.json, "error", "code") as? String == "context_length_exceeded")
            let long = String(repeating: "Hello", count: 70)
            let tooLong = try await client.post("/v1/completions", json: #"{"prompt":"\#(long)"}"#)
            #expect(tooLong.status == .unprocessableContent)
        }
    }

    @Test func defaultMaxTokensIsTheRestOfTheContextUpToTheCap() async throws {
        let model = FakeModel()
        var configuration = ServerConfiguration()
        configuration.defaultMaxTokens = 20
        try await TestServer(models: [model], configuration: configuration).test { client in
            _ = try await client.post("/v1/completions", json: #"{"prompt":"Hello"}"#)
        }
        #expect(model.received.map(\.maxTokens) == [20])
        let roomy = FakeModel()
        try await TestServer(models: [roomy]).test { client in
            _ = try await client.post("/v1/completions", json: #"{"prompt":"Hello"}"#)
        }
        // "Hello" is BOS + 1 token: 62 tokens remain of 64.
        #expect(roomy.received.map(\.maxTokens) == [62])
    }

    @Test func nullForEveryOptionalFieldIsAccepted() async throws {
        let nulls = [
            "model", "max_tokens", "max_completion_tokens", "min_tokens", "temperature", "top_p", "top_k", "min_p",
            "n", "stop", "seed", "stream", "stream_options", "logprobs", "top_logprobs", "logit_bias",
            "presence_penalty", "frequency_penalty", "repetition_penalty", "eos_token", "ignore_eos",
            "chat_template_kwargs", "response_format", "tools", "tool_choice", "parallel_tool_calls",
            "timeout_microseconds", "xtc_threshold", "xtc_probability",
        ].map { #""\#($0)":null"# }.joined(separator: ",")
        try await TestServer().test { client in
            let response = try await client.post(
                "/v1/chat/completions",
                json: #"{"messages":[{"role":"user","content":"hi","name":null}],\#(nulls)}"#)
            #expect(response.status == .ok, "\(response.text)")
            let completion = try await client.post(
                "/v1/completions", json: #"{"prompt":"Hello","echo":null,"tokens":null,"logprobs":null,\#(nulls)}"#)
            #expect(completion.status == .ok, "\(completion.text)")
        }
    }

    @Test func unknownAndLegacyKeysAreTolerated() async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "/v1/chat/completions",
                json: """
                    {\(Self.hi),"user":"u-1","timeout_microseconds":null,"num_beams":1,"parse_reasoning":false,
                     "include_reasoning":true,"reasoning_effort":null,"something_new":{"deep":[1,2]},
                     "tool_choice":"auto","tools":[],
                     "parallel_tool_calls":false,"response_format":{"type":"text"},"stop":"never"}
                    """)
            #expect(response.status == .ok, "\(response.text)")
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        var configuration = ServerConfiguration()
        configuration.maxBodyBytes = 1024
        try await TestServer(configuration: configuration).test { client in
            let big = String(repeating: "x", count: 4096)
            let response = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[{"role":"user","content":"\#(big)"}]}"#)
            #expect(response.status == .contentTooLarge)
            #expect(try response.json["message"] as? String != nil)
            let fine = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi)}"#)
            #expect(fine.status == .ok)
        }
    }

    @Test func chatWithoutATemplateIsAClearError() async throws {
        try await TestServer(models: [FakeModel(chatTemplate: nil)]).test { client in
            let response = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi)}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try (response.json["message"] as? String)?.contains("no chat template") == true)
            let completion = try await client.post("/v1/completions", json: #"{"prompt":"Hello"}"#)
            #expect(completion.status == .ok)
        }
    }

    @Test func templateRaiseExceptionIs422WithItsMessage() async throws {
        let template =
            "{% if messages[0]['role'] != 'system' %}{{ raise_exception('system message first, please') }}{% endif %}x"
        try await TestServer(models: [FakeModel(chatTemplate: template)]).test { client in
            let response = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi)}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try response.json["message"] as? String == "system message first, please")
            let broken = try await client.post(
                "/v1/chat/render", json: #"{"messages":[{"role":"system","content":"s"}]}"#)
            #expect(broken.status == .ok)
        }
    }
}
