import Foundation
import Hummingbird
import HummingbirdTesting
import TernServer
import TernStore
import Testing

/// Requests refused while authenticating leave usage rows, with the real store behind the server.
@Suite struct RefusalUsageTests {
    static let chat = #"{"model":"fake-model","messages":[{"role":"user","content":"hi"}]}"#

    /// A server whose tokens, teams and ledger live in `store`.
    static func server(_ store: TernStore) -> TernServerApplication {
        TernServerApplication(
            registry: ModelRegistry(models: [FakeModel()]), authenticator: store, usage: store)
    }

    @Test func unauthorizedAndForbiddenRequestsWriteUsageRows() async throws {
        let store = try TernStore.inMemory()
        _ = try await store.createTeam(name: "acme")
        let acme = try await store.createToken(team: "acme", name: "ci")
        let other = try await store.createToken(name: "other")
        let server = Self.server(store)
        try await server.makeApplication().test(.router) { client in
            var anonymous = authorized(token: acme.plaintext)
            anonymous[.authorization] = nil
            let missing = try await client.post("/v1/chat/completions", json: Self.chat, headers: anonymous)
            #expect(missing.status == .unauthorized)
            let unknownToken = authorized(token: "flp_" + String(repeating: "x", count: 43))
            let unknown = try await client.post("/v1/completions", json: Self.chat, headers: unknownToken)
            #expect(unknown.status == .unauthorized)
            // The other token's team is not this token's team: refused, and billed to no team.
            let foreignTeam = authorized(token: acme.plaintext, team: "default")
            let foreign = try await client.post("/v1/chat/completions", json: Self.chat, headers: foreignTeam)
            #expect(foreign.status == .forbidden)
            let own = try await client.post(
                "/v1/chat/completions", json: Self.chat, headers: authorized(token: acme.plaintext))
            #expect(own.status == .ok)
        }
        await server.flushUsage()

        let rows = try await store.usageRows().map(\.record).sorted { $0.status < $1.status }
        #expect(rows.map(\.status) == [200, 401, 401, 403])
        let (ok, missing, unknown, forbidden) = (rows[0], rows[1], rows[2], rows[3])
        #expect(ok.teamID == acme.info.teams.first?.id)
        for row in [missing, unknown] {
            #expect(row.teamID == nil && row.userID == nil && row.tokenID == nil)
            #expect(row.errorType == "invalid_api_key")
        }
        #expect(Set([missing.endpoint, unknown.endpoint]) == ["/v1/chat/completions", "/v1/completions"])
        #expect(forbidden.userID == acme.info.userID)
        #expect(forbidden.tokenID == acme.info.id)
        #expect(forbidden.teamID == nil, "the refused request ran as no team")
        #expect(forbidden.errorType == "forbidden")
        #expect(forbidden.endpoint == "/v1/chat/completions")
        #expect(other.info.userID != acme.info.userID)
        // The summary lists refusals apart from every team.
        let summary = try await store.usageSummary()
        #expect(summary.first { $0.teamID == nil }?.totals.errors == 3)
    }

    @Test(arguments: ["/v1/chat/completions", "/v1/completions", "/v1/tokenize", "/serverless/v1/chat/render"])
    func aNullBodyIsMalformed(path: String) async throws {
        let server = TestServer()
        try await server.test { client in
            let response = try await client.post(path, json: "null")
            #expect(response.status == .badRequest)
            let json = try response.json
            #expect(value(json, "error", "code") as? String == "bad_request")
            #expect(value(json, "error", "param") == nil || value(json, "error", "param") is NSNull)
        }
        #expect(await server.usageRows().map(\.status) == [400])
    }
}
