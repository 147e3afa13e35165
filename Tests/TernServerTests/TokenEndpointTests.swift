import Foundation
import Hummingbird
import HummingbirdTesting
import TernServer
import Testing

@Suite struct TokenEndpointTests {
    @Test(arguments: ["/v1", "/serverless/v1"])
    func tokenizeAddsBOSAndParsesSpecialTokens(prefix: String) async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "\(prefix)/tokenize", json: #"{"model":"fake-model","prompt":"<|im_start|>Hello world"}"#)
            #expect(response.status == .ok)
            #expect(try response.json["tokens"] as? [Int] == [0, 2, 4, 5])
        }
    }

    @Test func detokenizeRoundTripsTokenizeAndRejectsUnknownIDs() async throws {
        let server = TestServer()
        try await server.test { client in
            let response = try await client.post("/v1/detokenize", json: #"{"tokens":[0,2,4,5,295,269]}"#)
            #expect(response.status == .ok)
            // The leading BOS is left out; the split "é" (bytes 0xC3 0xA9 as byte tokens) decodes whole.
            #expect(try response.json["text"] as? String == "<|im_start|>Hello worldé")
            let bad = try await client.post("/v1/detokenize", json: #"{"tokens":[4,-1]}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try value(bad.json, "error", "param") as? String == "tokens")
            let huge = try await client.post("/v1/detokenize", json: #"{"tokens":[356]}"#)
            #expect(huge.status == .unprocessableContent)
            let wrongType = try await client.post("/v1/detokenize", json: #"{"tokens":"4"}"#)
            #expect(wrongType.status == .badRequest)
        }
        let rows = await server.usageRows()
        #expect(rows.map(\.status) == [200, 422, 422, 400])
        #expect(rows.allSatisfy { $0.endpoint == "/v1/detokenize" })
    }

    @Test func aModelThatAddsNoBOSKeepsALeadingBOSInDetokenize() async throws {
        let model = FakeModel(tokenizer: FakeTokenizer(addsBOS: false))
        try await TestServer(models: [model]).test { client in
            let tokens = try await client.post("/v1/tokenize", json: #"{"prompt":"Hello"}"#)
            #expect(try tokens.json["tokens"] as? [Int] == [4])
            let text = try await client.post("/v1/detokenize", json: #"{"tokens":[0,4]}"#)
            #expect(try text.json["text"] as? String == "<s>Hello")
        }
    }

    @Test func chatRenderReturnsThePromptText() async throws {
        try await TestServer().test { client in
            let response = try await client.post(
                "/serverless/v1/chat/render",
                json: #"{"model":"fake-model","messages":[{"role":"user","content":"hi"}],"tools":null}"#)
            #expect(response.status == .ok)
            #expect(try response.json["text"] as? String == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
            let empty = try await client.post("/serverless/v1/chat/render", json: #"{"messages":[]}"#)
            #expect(empty.status == .unprocessableContent)
        }
    }
}
