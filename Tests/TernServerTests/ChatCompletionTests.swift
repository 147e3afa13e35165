import Foundation
import Hummingbird
import HummingbirdTesting
import TernEngine
import TernServer
import TernTokenizers
import Testing

@Suite struct ChatCompletionTests {
    static let hi = #""messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]"#

    @Test func nonStreamingAnswerHasTheDocumentedShape() async throws {
        let server = TestServer()
        try await server.test { client in
            let response = try await client.post("/serverless/v1/chat/completions", json: #"{\#(Self.hi)}"#)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let body = try response.json
            let id = try #require(body["id"] as? String)
            #expect(id.hasPrefix("chatcmpl-"))
            #expect(id.dropFirst(9).count == 32 && id.dropFirst(9).allSatisfy(\.isHexDigit))
            #expect(body["object"] as? String == "chat.completion")
            #expect(body["created"] as? Int ?? 0 > 1_700_000_000)
            #expect(body["model"] as? String == "fake-model")
            #expect(value(body, "choices", 0, "index") as? Int == 0)
            #expect(value(body, "choices", 0, "message", "role") as? String == "assistant")
            #expect(value(body, "choices", 0, "message", "content") as? String == "Hello world!")
            #expect(value(body, "choices", 0, "finish_reason") as? String == "stop")
            #expect(value(body, "choices", 0, "logprobs") is NSNull)
            #expect(value(body, "usage", "completion_tokens") as? Int == 3)
            let prompt = try #require(value(body, "usage", "prompt_tokens") as? Int)
            #expect(value(body, "usage", "total_tokens") as? Int == prompt + 3)
        }
        let rows = await server.usageRows()
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.status == 200)
        #expect(row.finishReason == "stop")
        #expect(row.completionTokens == 3)
        #expect(row.promptTokens > 0)
        #expect(row.endpoint == "/serverless/v1/chat/completions")
        #expect(row.model == "fake-model")
        #expect(row.teamID == FakeAuthenticator.user.teamID && row.tokenID == FakeAuthenticator.user.tokenID)
        #expect(row.requestID.hasPrefix("chatcmpl-"))
    }

    @Test func thePromptIsTheRenderedTemplateWithOneBOS() async throws {
        let model = FakeModel()
        try await TestServer(models: [model]).test { client in
            _ = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi)}"#)
        }
        let request = try #require(model.received.first)
        let tokenizer = FakeTokenizer()
        #expect(request.promptTokens.first == FakeTokenizer.bos)
        #expect(request.promptTokens.filter { $0 == FakeTokenizer.bos }.count == 1)
        #expect(request.promptTokens.contains(FakeTokenizer.imStart))
        let text = tokenizer.decode(Array(request.promptTokens.dropFirst()), skipSpecial: false)
        #expect(
            text == "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
        #expect(request.stopTokens == tokenizer.endOfGenerationTokenIDs)
    }

    @Test func aTemplateThatPrintsBOSGetsNoSecondOne() async throws {
        let model = FakeModel(chatTemplate: "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}")
        try await TestServer(models: [model]).test { client in
            _ = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi)}"#)
        }
        let prompt = try #require(model.received.first?.promptTokens)
        #expect(prompt.first == FakeTokenizer.bos)
        #expect(prompt.filter { $0 == FakeTokenizer.bos }.count == 1)
    }

    @Test func streamingFramingFollowsTheDocumentedSequence() async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.hi),"stream":true}"#)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(response.text.hasPrefix("data: {"))
            #expect(response.text.hasSuffix("data: [DONE]\n\n"))
            let events = response.events
            #expect(!events.contains { $0.hasPrefix("MALFORMED") })
            #expect(events.last == "[DONE]")
            let chunks = try response.eventObjects
            #expect(chunks.count == 4)
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            #expect(Set(chunks.compactMap { $0["id"] as? String }).count == 1)
            #expect(chunks.allSatisfy { $0["usage"] is NSNull && $0["created"] is Int })
            // First chunk: role and the first text.
            #expect(value(chunks[0], "choices", 0, "delta", "role") as? String == "assistant")
            #expect(value(chunks[0], "choices", 0, "delta", "content") as? String == "Hello")
            #expect(value(chunks[0], "choices", 0, "finish_reason") is NSNull)
            #expect(value(chunks[0], "choices", 0, "logprobs") is NSNull)
            #expect(value(chunks[1], "choices", 0, "delta", "role") == nil)
            #expect(value(chunks[1], "choices", 0, "delta", "content") as? String == " world")
            #expect(value(chunks[2], "choices", 0, "delta", "content") as? String == "!")
            // Then an empty delta with the finish reason.
            #expect((value(chunks[3], "choices", 0, "delta") as? [String: Any])?.isEmpty == true)
            #expect(value(chunks[3], "choices", 0, "finish_reason") as? String == "stop")
        }
    }

    @Test func includeUsageAddsAUsageChunkWithNoChoicesBeforeDone() async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "/v1/chat/completions",
                json: #"{\#(Self.hi),"stream":true,"stream_options":{"include_usage":true}}"#)
            let chunks = try response.eventObjects
            #expect(chunks.count == 5)
            let last = try #require(chunks.last)
            #expect((last["choices"] as? [Any])?.isEmpty == true)
            #expect(value(last, "usage", "completion_tokens") as? Int == 3)
            #expect(chunks.dropLast().allSatisfy { $0["usage"] is NSNull })
            #expect(response.events.last == "[DONE]")
            // include_usage without stream is ignored.
            let plain = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.hi),"stream_options":{"include_usage":true}}"#)
            #expect(plain.status == .ok)
        }
    }

    @Test func aMultiByteCharacterSplitAcrossTokensArrivesWhole() async throws {
        let model = FakeModel(script: { _ in
            [FakeTokenizer.hello, FakeTokenizer.eAcuteHead, FakeTokenizer.eAcuteTail, FakeTokenizer.bang]
        })
        try await TestServer(models: [model]).test { client in
            let response = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi),"stream":true}"#)
            let contents = try response.eventObjects.compactMap {
                value($0, "choices", 0, "delta", "content") as? String
            }
            #expect(contents == ["Hello", "é", "!"])
            #expect(!response.text.contains("\u{FFFD}"))
            let plain = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi)}"#)
            #expect(try value(plain.json, "choices", 0, "message", "content") as? String == "Helloé!")
        }
    }

    @Test func stopStringsNeverLeakAndCancelTheGeneration() async throws {
        // Slow enough that the generation is still running when the stop string completes.
        let model = FakeModel(tokenDelay: .milliseconds(5)) { _ in
            [FakeTokenizer.hello, FakeTokenizer.world, FakeTokenizer.stopWord, FakeTokenizer.there]
                + Array(repeating: FakeTokenizer.bang, count: 20)
        }
        try await TestServer(models: [model]).test { client in
            let plain = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi),"stop":[" ST"]}"#)
            #expect(try value(plain.json, "choices", 0, "message", "content") as? String == "Hello world")
            #expect(try value(plain.json, "choices", 0, "finish_reason") as? String == "stop")
            let streamed = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.hi),"stop":"OP there","stream":true}"#)
            let text = try streamed.eventObjects.compactMap { value($0, "choices", 0, "delta", "content") as? String }
                .joined()
            #expect(text == "Hello world ST")
            #expect(!streamed.text.contains("OP"))
        }
        // Both generations were cut short in the engine.
        try await waitUntil { model.cancelledCount == 2 }
    }

    @Test func lengthFinishWhenMaxTokensIsReached() async throws {
        try await TestServer().test { client in
            let response = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi),"max_tokens":2}"#)
            let body = try response.json
            #expect(value(body, "choices", 0, "message", "content") as? String == "Hello world")
            #expect(value(body, "choices", 0, "finish_reason") as? String == "length")
            #expect(value(body, "usage", "completion_tokens") as? Int == 2)
        }
    }

    @Test func twoChoicesStreamWithTheirOwnIndexesAndSeeds() async throws {
        let model = FakeModel(script: { request in
            request.sampling.seed == 42 ? [FakeTokenizer.hello] : [FakeTokenizer.there]
        })
        try await TestServer(models: [model]).test { client in
            let plain = try await client.post("/v1/chat/completions", json: #"{\#(Self.hi),"n":2,"seed":42}"#)
            let body = try plain.json
            #expect(value(body, "choices", 0, "message", "content") as? String == "Hello")
            #expect(value(body, "choices", 1, "message", "content") as? String == " there")
            #expect(value(body, "choices", 1, "index") as? Int == 1)
            #expect(value(body, "usage", "completion_tokens") as? Int == 2)
            let streamed = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.hi),"n":2,"seed":[42,7],"stream":true}"#)
            let chunks = try streamed.eventObjects
            var texts: [Int: String] = [:]
            var roles: [Int: Int] = [:]
            var finishes: [Int: String] = [:]
            for chunk in chunks {
                let index = try #require(value(chunk, "choices", 0, "index") as? Int)
                texts[index, default: ""] += value(chunk, "choices", 0, "delta", "content") as? String ?? ""
                if value(chunk, "choices", 0, "delta", "role") != nil { roles[index, default: 0] += 1 }
                if let finish = value(chunk, "choices", 0, "finish_reason") as? String { finishes[index] = finish }
            }
            #expect(texts == [0: "Hello", 1: " there"])
            #expect(roles == [0: 1, 1: 1])
            #expect(finishes == [0: "stop", 1: "stop"])
        }
        #expect(model.received.compactMap(\.sampling.seed).sorted() == [7, 42, 42, 43])
    }

    @Test func logprobsHaveTheOpenAIShape() async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.hi),"logprobs":true,"top_logprobs":2}"#)
            let content = try #require(value(response.json, "choices", 0, "logprobs", "content") as? [[String: Any]])
            #expect(content.count == 3)
            #expect(content.map { $0["token"] as? String } == ["Hello", " world", "!"])
            #expect(content[0]["logprob"] as? Double == -0.5)
            #expect(content[0]["bytes"] as? [Int] == Array("Hello".utf8).map(Int.init))
            let top = try #require(content[0]["top_logprobs"] as? [[String: Any]])
            #expect(top.count == 2)
            #expect(top[1]["token"] as? String == " there")
            #expect(top[1]["logprob"] as? Double == -1.5)
            #expect(top[1]["bytes"] as? [Int] == Array(" there".utf8).map(Int.init))

            let streamed = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.hi),"logprobs":true,"stream":true}"#)
            let tokens = try streamed.eventObjects.flatMap {
                (value($0, "choices", 0, "logprobs", "content") as? [[String: Any]] ?? []).compactMap {
                    $0["token"] as? String
                }
            }
            #expect(tokens == ["Hello", " world", "!"])
        }
    }

    @Test func requestFieldsReachTheEngine() async throws {
        let model = FakeModel()
        try await TestServer(models: [model]).test { client in
            let response = try await client.post(
                "/v1/chat/completions",
                json: """
                    {\(Self.hi),"temperature":0.5,"top_p":0.9,"top_k":40,"min_p":0.05,"presence_penalty":0.5,
                     "frequency_penalty":-0.5,"repetition_penalty":1.1,"min_tokens":2,"max_completion_tokens":9,
                     "logit_bias":{"5":-100},"eos_token":[6],"seed":123}
                    """)
            #expect(response.status == .ok)
        }
        let request = try #require(model.received.first)
        #expect(request.sampling.temperature == 0.5)
        #expect(request.sampling.topP == 0.9)
        #expect(request.sampling.topK == 40)
        #expect(request.sampling.minP == 0.05)
        #expect(request.sampling.presencePenalty == 0.5)
        #expect(request.sampling.frequencyPenalty == -0.5)
        #expect(request.sampling.repetitionPenalty == 1.1)
        #expect(request.sampling.minTokens == 2)
        #expect(request.sampling.logitBias == [5: -100])
        #expect(request.sampling.seed == 123)
        #expect(request.maxTokens == 9)
        #expect(request.stopTokens == [FakeTokenizer.eos, FakeTokenizer.imEnd, FakeTokenizer.bang])
    }

    @Test func ignoreEOSKeepsOnlyTheExtraStopTokens() async throws {
        let model = FakeModel()
        try await TestServer(models: [model]).test { client in
            _ = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.hi),"ignore_eos":true,"eos_token":[6],"max_tokens":3}"#)
        }
        #expect(model.received.first?.stopTokens == [FakeTokenizer.bang])
    }

    @Test func contentPartsAndChatTemplateKwargsReachTheTemplate() async throws {
        let model = FakeModel(
            chatTemplate: "{% for m in messages %}[{{ m['content'] }}]{% endfor %}{% if shout %}!{% endif %}")
        try await TestServer(models: [model]).test { client in
            let response = try await client.post(
                "/v1/chat/render",
                json: """
                    {"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],
                     "chat_template_kwargs":{"shout":true}}
                    """)
            #expect(try response.json["text"] as? String == "[a\nb]!")
        }
    }

    @Test func manyConcurrentRequestsAllComplete() async throws {
        let model = FakeModel(tokenDelay: .milliseconds(1))
        let server = TestServer(models: [model])
        try await server.test { client in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let stream = index % 2 == 0 ? "true" : "false"
                        let response = try await client.post(
                            "/v1/chat/completions", json: #"{\#(Self.hi),"n":2,"stream":\#(stream)}"#)
                        return response.status == .ok
                            && (index % 2 == 1 || response.events.last == "[DONE]")
                    }
                }
                for try await ok in group { #expect(ok) }
            }
        }
        #expect(model.received.count == 48)
        let rows = await server.usageRows()
        #expect(rows.count == 24 && rows.allSatisfy { $0.status == 200 && $0.completionTokens == 6 })
    }
}
