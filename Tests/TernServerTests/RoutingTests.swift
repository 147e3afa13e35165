import Foundation
import Hummingbird
import HummingbirdTesting
import TernEngine
import TernServer
import TernTokenizers
import Testing

@Suite struct RoutingTests {
    @Test func healthIs503UntilAModelIsAddedThen200() async throws {
        let registry = ModelRegistry()
        let server = TestServer(registry: registry)
        try await server.test { client in
            let before = try await client.execute(uri: "/health", method: .get)
            #expect(before.status == .serviceUnavailable)
            #expect(try before.json["status"] as? String == "loading")
            registry.add(FakeModel())
            let after = try await client.execute(uri: "/health", method: .get)
            #expect(after.status == .ok)
            #expect(try after.json["models"] as? [String] == ["fake-model"])
        }
    }

    @Test func healthWaitsForEveryConfiguredModel() async throws {
        let registry = ModelRegistry(expectedModels: 2)
        let server = TestServer(registry: registry)
        try await server.test { client in
            registry.add(FakeModel())
            let partial = try await client.execute(uri: "/health", method: .get)
            #expect(partial.status == .serviceUnavailable)
            #expect(try partial.json["status"] as? String == "loading")
            registry.add(FakeModel(name: "second"))
            let ready = try await client.execute(uri: "/health", method: .get)
            #expect(ready.status == .ok)
            #expect(try ready.json["models"] as? [String] == ["fake-model", "second"])
        }
    }

    @Test func healthIsReadyWhenLoadingEndsWithSomeModelsLoaded() async throws {
        let registry = ModelRegistry(expectedModels: 2)
        let server = TestServer(registry: registry)
        try await server.test { client in
            registry.add(FakeModel())
            registry.finishLoading()  // the second model failed to load
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
        }
    }

    @Test func inferenceBeforeAnyModelIsLoadedIs503() async throws {
        let server = TestServer(registry: ModelRegistry())
        try await server.test { client in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[{"role":"user","content":"hi"}]}"#)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] != nil)
        }
    }

    @Test(arguments: ["/v1/models", "/serverless/v1/models"])
    func modelsListIsPublicAndCarriesTheCatalogFields(path: String) async throws {
        let server = TestServer(models: [FakeModel(), FakeModel(name: "base", chatTemplate: nil)])
        try await server.test { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            let body = try response.json
            #expect(body["object"] as? String == "list")
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? String } == ["fake-model", "base"])
            let item = data[0]
            for key in [
                "id", "name", "created", "context_length", "max_completion_tokens", "pricing", "functionality",
                "description", "deprecation_date", "reasoning", "reasoning_options", "input_modalities",
                "output_modalities", "interleaved", "base_model", "mode", "default_params", "object", "owned_by",
            ] {
                #expect(item.keys.contains(key), "missing \(key)")
            }
            #expect(item["context_length"] as? Int == 64)
            #expect(item["architecture"] as? String == FakeModel().description.architecture)
            #expect(item["aliases"] as? [String] == FakeModel().description.aliases)
            #expect(item["mode"] as? String == "chat")
            #expect(data[1]["mode"] as? String == "completion")
            #expect(value(item, "pricing", "input") as? String == "0")
            #expect(value(item, "functionality", "tool_call") as? Bool == true)
            #expect(value(item, "functionality", "structured_output") as? Bool == true)
            #expect(value(data[1], "functionality", "tool_call") as? Bool == false)
            #expect(item["deprecation_date"] is NSNull)
        }
    }

    @Test func unknownPathIs404InTheErrorShape() async throws {
        try await TestServer().test { client in
            let response = try await client.execute(uri: "/v2/nothing", method: .get)
            #expect(response.status == .notFound)
            let body = try response.json
            #expect((body["message"] as? String)?.contains("/v2/nothing") == true)
            #expect(value(body, "error", "message") as? String == body["message"] as? String)
            #expect(value(body, "error", "type") as? String == "invalid_request_error")
        }
    }

    @Test func wrongMethodOnAKnownPathIs405() async throws {
        try await TestServer().test { client in
            let response = try await client.execute(uri: "/v1/chat/completions", method: .get)
            #expect(response.status == .methodNotAllowed)
            #expect(try response.json["message"] as? String != nil)
        }
    }

    @Test func unknownModelIs404WithModelNotFound() async throws {
        let server = TestServer()
        try await server.test { client in
            let response = try await client.post(
                "/serverless/v1/chat/completions",
                json: #"{"model":"nope","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(response.status == .notFound)
            let body = try response.json
            #expect(value(body, "error", "code") as? String == "model_not_found")
            #expect(value(body, "error", "param") as? String == "model")
            #expect((body["message"] as? String)?.contains("fake-model") == true)
        }
        let rows = await server.usageRows()
        #expect(rows.count == 1)
        #expect(rows.first?.status == 404)
        #expect(rows.first?.model == "nope")
    }

    @Test func aliasesRouteToTheirModelAndMissingModelPicksTheOnlyOne() async throws {
        let model = FakeModel(name: "smol", aliases: ["smollm2-135m-instruct"])
        try await TestServer(models: [model]).test { client in
            for body in [
                #"{"model":"smollm2-135m-instruct","messages":[{"role":"user","content":"hi"}]}"#,
                #"{"messages":[{"role":"user","content":"hi"}]}"#,
            ] {
                let response = try await client.post("/v1/chat/completions", json: body)
                #expect(response.status == .ok)
                #expect(try response.json["model"] as? String == "smol")
            }
        }
    }

    @Test func missingModelWithSeveralServedIs422() async throws {
        try await TestServer(models: [FakeModel(name: "a"), FakeModel(name: "b")]).test { client in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[{"role":"user","content":"hi"}]}"#)
            #expect(response.status == .unprocessableContent)
        }
    }

    @Test func missingOrUnknownTokenIs401AndForeignTeamIs403() async throws {
        let server = TestServer()
        let body = #"{"model":"fake-model","messages":[{"role":"user","content":"hi"}]}"#
        try await server.test { client in
            let missing = try await client.post(
                "/v1/chat/completions", json: body, headers: [.contentType: "application/json"])
            #expect(missing.status == .unauthorized)
            #expect(try missing.json["message"] as? String != nil)
            let unknown = try await client.post("/v1/chat/completions", json: body, headers: authorized(token: "bad"))
            #expect(unknown.status == .unauthorized)
            #expect(try value(unknown.json, "error", "type") as? String == "authentication_error")
            let otherScheme = try await client.post(
                "/v1/completions", json: body, headers: [.authorization: "Basic Z29vZA=="])
            #expect(otherScheme.status == .unauthorized)
            let foreign = try await client.post("/v1/chat/completions", json: body, headers: authorized(team: "theirs"))
            #expect(foreign.status == .forbidden)
            let side = try await client.post("/v1/chat/completions", json: body, headers: authorized(team: "side"))
            #expect(side.status == .ok)
            for path in ["/v1/tokenize", "/v1/detokenize", "/serverless/v1/chat/render"] {
                let response = try await client.post(path, json: "{}", headers: [.contentType: "application/json"])
                #expect(response.status == .unauthorized, "\(path)")
            }
        }
        let rows = await server.usageRows()
        // Every request leaves a row; only the authenticated one is billed, to the team it named.
        #expect(rows.count == 8)
        #expect(rows.compactMap(\.teamID) == [FakeAuthenticator.sideTeam.teamID])
        #expect(rows.filter { $0.status == 401 }.count == 6)
        #expect(rows.filter { $0.status == 403 }.count == 1)
    }

    @Test func acceptHeaderIsIgnoredTheBodyDecidesStreaming() async throws {
        try await TestServer().test { client in
            var headers = authorized()
            headers[.accept] = "application/json;q=1, text/event-stream;q=0"
            let streamed = try await client.post(
                "/v1/chat/completions",
                json: #"{"messages":[{"role":"user","content":"hi"}],"stream":true}"#, headers: headers)
            #expect(streamed.headers[.contentType] == "text/event-stream")
            #expect(streamed.events.last == "[DONE]")
            headers[.accept] = "text/event-stream"
            let plain = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[{"role":"user","content":"hi"}]}"#, headers: headers)
            #expect(plain.headers[.contentType] == "application/json")
            #expect(try plain.json["object"] as? String == "chat.completion")
        }
    }

    @Test func queueFullIs429WithRetryAfterAndTheServerStaysHealthy() async throws {
        let server = TestServer(models: [FakeModel(refusal: .queueFull(retryAfterSeconds: 3))])
        try await server.test { client in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[{"role":"user","content":"hi"}]}"#)
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] == "3")
            #expect(try value(response.json, "error", "code") as? String == "queue_full")
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
        let rows = await server.usageRows()
        #expect(rows.map(\.status) == [429])
        #expect(rows.first?.errorType == "queue_full")
    }

    @Test func aSecondChoiceRefusedByTheEngineCancelsTheFirst() async throws {
        let model = CountingRefusalModel(acceptFirst: 1)
        try await TestServer(models: [model]).test { client in
            let response = try await client.post(
                "/v1/completions", json: #"{"prompt":"Hello","n":2,"max_tokens":50}"#)
            #expect(response.status == .tooManyRequests)
        }
        try await waitUntil { model.inner.cancelledCount == 1 }
    }
}

/// Accepts the first `acceptFirst` generations, then answers "queue full".
final class CountingRefusalModel: ServedModel, @unchecked Sendable {
    let inner = FakeModel(
        tokenDelay: .milliseconds(20), script: { _ in Array(repeating: FakeTokenizer.hello, count: 50) })
    let acceptFirst: Int
    private let lock = NSLock()
    private var calls = 0

    init(acceptFirst: Int) { self.acceptFirst = acceptFirst }

    var description: ModelDescription { inner.description }
    var tokenizer: any Tokenizer { inner.tokenizer }
    var maxSequenceTokens: Int { inner.maxSequenceTokens }
    var stats: EngineStats { inner.stats }
    func shutdown() async {}

    func generate(_ request: EngineRequest) throws(EngineError) -> AsyncStream<EngineEvent> {
        let call = lock.withLock {
            calls += 1
            return calls
        }
        guard call <= acceptFirst else { throw .queueFull(retryAfterSeconds: 1) }
        return try inner.generate(request)
    }
}

/// Polls `condition` for up to two seconds.
func waitUntil(_ condition: @Sendable () -> Bool) async throws {
    for _ in 0..<200 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    #expect(condition(), "condition not met within 2 s")
}
