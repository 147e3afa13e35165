import Foundation
import Hummingbird
import HummingbirdTesting
import TernServer
import Testing

/// The hosted API's fields beyond OpenAI's: honoured, or refused with a 422 naming the field.
@Suite struct ExtraFieldsTests {
    static let hi = #""messages":[{"role":"user","content":"hi"}]"#

    @Test func samplingAndBanFieldsReachTheEngine() async throws {
        let model = FakeModel()
        try await TestServer(models: [model]).test { client in
            let response = try await client.post(
                "/v1/completions",
                json: """
                    {"prompt":"Hello","xtc_threshold":0.1,"xtc_probability":0.5,"no_repeat_ngram":3,
                     "bad_words":["Hello world","!"],"bad_word_tokens":[{"tokens":[8,6]}],
                     "stop_tokens":[{"tokens":[11]},{"tokens":[7,8]}],"encoder_repetition_penalty":1,
                     "encoder_no_repeat_ngram":1,"forced_output_tokens":[],"parse_reasoning":false}
                    """)
            #expect(response.status == .ok, "\(response.text)")
        }
        let request = try #require(model.received.first)
        #expect(request.sampling.xtcThreshold == 0.1)
        #expect(request.sampling.xtcProbability == 0.5)
        #expect(request.sampling.noRepeatNgramSize == 3)
        #expect(
            request.sampling.bannedSequences
                == [[FakeTokenizer.hello, FakeTokenizer.world], [FakeTokenizer.bang], [FakeTokenizer.there, 6]])
        #expect(
            request.stopTokens == [
                FakeTokenizer.eos, FakeTokenizer.imEnd, FakeTokenizer.newline, FakeTokenizer.stopWord,
                FakeTokenizer.there,
            ])
    }

    @Test func stopTokensEndTheOutputWithoutShowingTheToken() async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{\#(Self.hi),"stop_tokens":[{"tokens":[5]}]}"#)
            #expect(response.status == .ok)
            let json = try response.json
            #expect(value(json, "choices", 0, "message", "content") as? String == "Hello")
            #expect(value(json, "choices", 0, "finish_reason") as? String == "stop")
        }
    }

    @Test func minTotalTokensCountsThePromptPerRequest() async throws {
        let model = FakeModel()
        try await TestServer(models: [model]).test { client in
            // Prompts of 3 and 5 tokens (BOS included); 6 tokens in total means 3 and 1 generated.
            let response = try await client.post(
                "/v1/completions",
                json: #"{"prompt":["Hello world","Hello world!!"],"min_total_tokens":6,"max_tokens":8}"#)
            #expect(response.status == .ok, "\(response.text)")
            // A prompt longer than the minimum asks for nothing more.
            let long = try await client.post(
                "/v1/completions", json: #"{"tokens":[4,5,6,6,6,6,6,6],"min_total_tokens":6,"max_tokens":2}"#)
            #expect(long.status == .ok, "\(long.text)")
        }
        let minimums = model.received.map { ($0.promptTokens.count, $0.sampling.minTokens) }
        #expect(minimums.map(\.0) == [3, 5, 8])
        #expect(minimums.map(\.1) == [3, 1, 0])
    }

    @Test(arguments: [
        (#""min_tokens":1,"min_total_tokens":5"#, "min_total_tokens"),
        (#""min_total_tokens":-1"#, "min_total_tokens"),
        (#""max_total_tokens":10,"min_total_tokens":11"#, "min_total_tokens"),
        (#""no_repeat_ngram":0"#, "no_repeat_ngram"),
        (#""stop_tokens":[{"tokens":[5,999]}]"#, "stop_tokens"),
        (#""bad_word_tokens":[{"tokens":[-1]}]"#, "bad_word_tokens"),
        (#""bad_word_tokens":[{"tokens":[]}]"#, "bad_word_tokens"),
        (#""bad_words":[""]"#, "bad_words"),
        (#""xtc_threshold":1.5"#, "xtc_threshold"),
        (#""xtc_probability":-0.1"#, "xtc_probability"),
    ])
    func outOfRangeExtrasAre422(fields: String, param: String) async throws {
        try await TestServer().test { client in
            let response = try await client.post("/v1/chat/completions", json: "{\(Self.hi),\(fields)}")
            #expect(response.status == .unprocessableContent, "\(response.text)")
            #expect(try value(response.json, "error", "param") as? String == param)
        }
    }

    @Test(arguments: [
        (#""forced_output_tokens":[4,5]"#, "forced_output_tokens"),
        (#""token_index_to_replace":[0]"#, "token_index_to_replace"),
        (#""embedding_to_replace":[0.5,0.25]"#, "embedding_to_replace"),
        (#""encoder_repetition_penalty":1.2"#, "encoder_repetition_penalty"),
        (#""encoder_no_repeat_ngram":3"#, "encoder_no_repeat_ngram"),
        (#""parse_reasoning":true"#, "parse_reasoning"),
        (#""include_reasoning":false"#, "include_reasoning"),
        (#""reasoning_effort":"low""#, "reasoning_effort"),
        (#""reasoning_budget":128"#, "reasoning_budget"),
    ])
    func unsupportedExtrasAre422NamingTheField(fields: String, param: String) async throws {
        let model = FakeModel()
        try await TestServer(models: [model]).test { client in
            for path in ["/v1/chat/completions", "/v1/completions"] {
                let body =
                    path.hasSuffix("chat/completions") ? "{\(Self.hi),\(fields)}" : #"{"prompt":"Hi",\#(fields)}"#
                let response = try await client.post(path, json: body)
                #expect(response.status == .unprocessableContent, "\(response.text)")
                let json = try response.json
                #expect(value(json, "error", "param") as? String == param)
                #expect(value(json, "error", "code") as? String == "not_supported")
                #expect((json["message"] as? String)?.contains(param) == true)
            }
        }
        #expect(model.received.isEmpty)
    }

    @Test func wrongTypesInExtrasAre400NamingTheField() async throws {
        try await TestServer().test { client in
            for (fields, param) in [
                (#""stop_tokens":[[5]]"#, "stop_tokens[0]"), (#""bad_words":"x""#, "bad_words"),
                (#""no_repeat_ngram":2.5"#, "no_repeat_ngram"),
            ] {
                let response = try await client.post("/v1/chat/completions", json: "{\(Self.hi),\(fields)}")
                #expect(response.status == .badRequest, "\(fields): \(response.text)")
                #expect(try value(response.json, "error", "param") as? String == param, "\(fields)")
            }
        }
    }
}
