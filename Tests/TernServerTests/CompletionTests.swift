import Foundation
import Hummingbird
import HummingbirdTesting
import TernEngine
import TernServer
import TernTokenizers
import Testing

@Suite struct CompletionTests {
    @Test func nonStreamingAnswerHasSeedAndTokensPerChoice() async throws {
        let model = FakeModel()
        let server = TestServer(models: [model])
        try await server.test { client in
            let response = try await client.post(
                "/serverless/v1/completions", json: #"{"model":"fake-model","prompt":"Hello","seed":5}"#)
            #expect(response.status == .ok)
            let body = try response.json
            #expect((body["id"] as? String)?.hasPrefix("cmpl-") == true)
            #expect(body["object"] as? String == "text_completion")
            #expect(value(body, "choices", 0, "text") as? String == "Hello world!")
            #expect(value(body, "choices", 0, "seed") as? Int == 5)
            #expect(value(body, "choices", 0, "tokens") as? [Int] == [4, 5, 6])
            #expect(value(body, "choices", 0, "finish_reason") as? String == "stop")
            #expect(value(body, "choices", 0, "logprobs") is NSNull)
            #expect(value(body, "usage", "prompt_tokens") as? Int == 2)
            #expect(value(body, "usage", "completion_tokens") as? Int == 3)
            #expect(value(body, "usage", "total_tokens") as? Int == 5)
        }
        // A text prompt gets BOS as the model asks.
        #expect(model.received.first?.promptTokens == [FakeTokenizer.bos, FakeTokenizer.hello])
        let rows = await server.usageRows()
        #expect(rows.map(\.endpoint) == ["/serverless/v1/completions"])
        #expect(rows.first?.requestID.hasPrefix("cmpl-") == true)
    }

    @Test func withoutASeedEachChoiceReportsTheRandomSeedItUsed() async throws {
        let model = FakeModel()
        try await TestServer(models: [model]).test { client in
            let response = try await client.post("/v1/completions", json: #"{"prompt":"Hello","n":3}"#)
            let choices = try #require(try response.json["choices"] as? [[String: Any]])
            let reported = choices.compactMap { $0["seed"] as? Int }
            #expect(reported.count == 3)
            let used = model.received.compactMap(\.sampling.seed).map { Int(truncatingIfNeeded: $0) }
            #expect(reported.sorted() == used.sorted())
        }
    }

    @Test func promptArraysAndTokenPromptsMakeOneChoiceSetPerPrompt() async throws {
        let model = FakeModel()
        try await TestServer(models: [model]).test { client in
            let texts = try await client.post("/v1/completions", json: #"{"prompt":["Hello","!"],"n":2}"#)
            let choices = try #require(try texts.json["choices"] as? [[String: Any]])
            #expect(choices.map { $0["index"] as? Int } == [0, 1, 2, 3])
            #expect(try value(texts.json, "usage", "prompt_tokens") as? Int == 4)
            #expect(try value(texts.json, "usage", "completion_tokens") as? Int == 12)
            let ids = try await client.post("/v1/completions", json: #"{"prompt":[4,5]}"#)
            #expect(ids.status == .ok)
            let tokens = try await client.post("/v1/completions", json: #"{"tokens":[4,5],"echo":true}"#)
            #expect(try value(tokens.json, "choices", 0, "text") as? String == "Hello worldHello world!")
            let lists = try await client.post("/v1/completions", json: #"{"prompt":[[4],[5]]}"#)
            #expect(try (lists.json["choices"] as? [Any])?.count == 2)
        }
        let prompts = model.received.map(\.promptTokens)
        #expect(prompts.filter { $0 == [FakeTokenizer.bos, FakeTokenizer.hello] }.count == 2)
        #expect(prompts.filter { $0 == [FakeTokenizer.bos, FakeTokenizer.bang] }.count == 2)
        #expect(prompts.filter { $0 == [4, 5] }.count == 2)
    }

    @Test(arguments: [
        (#"{}"#, "prompt"),
        (#"{"prompt":"Hello","tokens":[4]}"#, "tokens"),
        (#"{"prompt":[]}"#, "prompt"),
        (#"{"tokens":[]}"#, "prompt"),
        (#"{"tokens":[4, 99999]}"#, "tokens"),
        (#"{"prompt":"Hello","logprobs":21}"#, "logprobs"),
        (#"{"prompt":"Hello","max_tokens":3,"max_total_tokens":9}"#, "max_total_tokens"),
        (#"{"prompt":"Hello","max_total_tokens":2}"#, "max_total_tokens"),
    ])
    func invalidCompletionBodiesAre422(body: String, param: String) async throws {
        try await TestServer().test { client in
            let response = try await client.post("/v1/completions", json: body)
            #expect(response.status == .unprocessableContent, "\(response.text)")
            #expect(try value(response.json, "error", "param") as? String == param, "\(response.text)")
        }
    }

    @Test func maxTotalTokensBoundsPromptPlusOutput() async throws {
        let model = FakeModel()
        try await TestServer(models: [model]).test { client in
            let response = try await client.post("/v1/completions", json: #"{"prompt":"Hello","max_total_tokens":4}"#)
            #expect(try value(response.json, "choices", 0, "finish_reason") as? String == "length")
        }
        #expect(model.received.first?.maxTokens == 2)
    }

    @Test func legacyLogprobsShape() async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "/v1/completions", json: #"{"prompt":"Hello","logprobs":2,"echo":true}"#)
            let logprobs = try #require(try value(response.json, "choices", 0, "logprobs") as? [String: Any])
            #expect(logprobs["tokens"] as? [String] == ["Hello", " world", "!"])
            #expect(logprobs["token_logprobs"] as? [Double] == [-0.5, -0.5, -0.5])
            // Offsets count the echoed prompt "Hello" too.
            #expect(logprobs["text_offset"] as? [Int] == [5, 10, 16])
            let top = try #require(logprobs["top_logprobs"] as? [[String: Double]])
            #expect(top.first == ["Hello": -0.5, " there": -1.5])
        }
    }

    @Test func streamingChunksAndFinishAndUsage() async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "/v1/completions",
                json: #"{"prompt":"Hello","stream":true,"stream_options":{"include_usage":true},"logprobs":0}"#)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(response.events.last == "[DONE]")
            let chunks = try response.eventObjects
            #expect(chunks.allSatisfy { $0["object"] as? String == "text_completion" && $0["created"] is Int })
            let texts = chunks.dropLast().map { value($0, "choices", 0, "text") as? String }
            #expect(texts == ["Hello", " world", "!", ""])
            #expect(chunks.dropLast().map { value($0, "choices", 0, "token") as? Int } == [4, 5, 6, nil])
            #expect(value(chunks[0], "choices", 0, "finish_reason") is NSNull)
            #expect(value(chunks[0], "choices", 0, "logprobs", "tokens") as? [String] == ["Hello"])
            #expect(value(chunks[3], "choices", 0, "finish_reason") as? String == "stop")
            #expect((chunks[4]["choices"] as? [Any])?.isEmpty == true)
            #expect(value(chunks[4], "usage", "total_tokens") as? Int == 5)
        }
    }

    @Test func streamingEchoSendsThePromptFirst() async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "/v1/completions", json: #"{"prompt":"Hello","stream":true,"echo":true,"max_tokens":1}"#)
            let texts = try response.eventObjects.map { value($0, "choices", 0, "text") as? String }
            #expect(texts == ["Hello", "Hello", ""])
        }
    }

    @Test func stopStringsAreCutInCompletionsToo() async throws {
        try await TestServer().test { client in
            let response = try await client.post("/v1/completions", json: #"{"prompt":"Hello","stop":["orl"]}"#)
            #expect(try value(response.json, "choices", 0, "text") as? String == "Hello w")
        }
    }
}
