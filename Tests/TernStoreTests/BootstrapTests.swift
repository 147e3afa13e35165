import Foundation
import Testing

@testable import TernStore

@Suite struct BootstrapTests {
    @Test func emptyStoreGetsADefaultTeamUserAndWorkingToken() async throws {
        let store = try TernStore.inMemory()
        let token = try #require(try await store.bootstrapIfEmpty())
        let principal = try await store.authenticate(token: token, team: nil)
        #expect(principal.teamName == "default")
        #expect(principal.userName == TernStore.bootstrapUserName)
        #expect(try await store.listTokens().map(\.name) == [TernStore.bootstrapTokenName])
    }

    @Test func bootstrapHappensOnlyOnceEvenAcrossReopening() async throws {
        try await withDatabasePath { path, _ in
            let store = try TernStore(path: path)
            #expect(try await store.bootstrapIfEmpty() != nil)
            #expect(try await store.bootstrapIfEmpty() == nil)
            try store.close()
            let reopened = try TernStore(path: path)
            #expect(try await reopened.bootstrapIfEmpty() == nil)
            #expect(try await reopened.listTokens().count == 1)
        }
    }

    @Test func concurrentBootstrapsCreateOneToken() async throws {
        let store = try TernStore.inMemory()
        let results = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 { group.addTask { try? await store.bootstrapIfEmpty() } }
            return await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(results.compactMap { $0 }.count == 1)
        #expect(try await store.listTokens().count == 1)
    }

    @Test func revokedTokensStillCountAsExisting() async throws {
        let store = try await makeStore()
        let created = try await store.createToken(user: "alice", name: "only")
        _ = try await store.revokeToken(id: created.info.id)
        #expect(try await store.bootstrapIfEmpty() == nil)
    }

    @Test func existingDefaultTeamIsReused() async throws {
        let store = try await makeStore()
        let team = try await store.team("default")
        let token = try #require(try await store.bootstrapIfEmpty())
        #expect(try await store.authenticate(token: token, team: nil).teamID == team.id)
        #expect(try await store.listTeams().count == 1)
    }
}
