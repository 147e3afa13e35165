import Foundation
import Testing

@testable import TernStore

@Suite struct TokenManagementTests {
    @Test func listShowsEveryTokenWithOwnerTeamsAndState() async throws {
        let clock = ManualClock()
        let store = try await makeStore(clock: clock)
        _ = try await store.createTeam(name: "research")
        let first = try await store.createToken(user: "alice", team: "research", name: "laptop")
        let second = try await store.createToken(
            user: "bob", name: "ci", expiresAt: clock.now.addingTimeInterval(3600))
        _ = try await store.addUser("alice", toTeam: "default")
        _ = try await store.revokeToken(id: second.info.id)

        let tokens = try await store.listTokens()
        #expect(tokens.map(\.id) == [first.info.id, second.info.id])
        let alice = try #require(tokens.first)
        #expect(alice.name == "laptop")
        #expect(alice.userName == "alice")
        #expect(alice.displayPrefix == String(first.plaintext.prefix(10)))
        #expect(alice.teams.map(\.name) == ["default", "research"])
        #expect(alice.createdAt == clock.now)
        #expect(alice.lastUsedAt == nil)
        #expect(!alice.isRevoked)
        let bob = try #require(tokens.last)
        #expect(bob.teams.map(\.name) == ["default"])
        #expect(bob.isRevoked)
        #expect(bob.expiresAt == clock.now.addingTimeInterval(3600))
    }

    @Test func creatingATokenCreatesTheUserOnce() async throws {
        let store = try await makeStore()
        _ = try await store.createTeam(name: "research")
        let first = try await store.createToken(user: "alice", team: "research", name: "one")
        let second = try await store.createToken(user: "alice", name: "two")
        #expect(first.info.userID == second.info.userID)
        let users = try await store.listUsers()
        #expect(users.map(\.name) == ["alice"])
        #expect(users.first?.teams.map(\.name) == ["research"], "no team given keeps the user's teams")
    }

    @Test func tokenForANewTeamAddsTheExistingUserToIt() async throws {
        let store = try await makeStore()
        _ = try await store.createTeam(name: "ops")
        let created = try await store.createToken(user: "alice", name: "one")
        _ = try await store.createToken(user: "alice", team: "ops", name: "two")
        let user = try await store.user(named: "alice")
        #expect(user.teams.map(\.name) == ["default", "ops"])
        #expect(try await store.authenticate(token: created.plaintext, team: "ops").teamName == "ops")
    }

    @Test func revokingTwiceKeepsTheFirstTimeAndUnknownIdsFail() async throws {
        let clock = ManualClock()
        let store = try await makeStore(clock: clock)
        let created = try await store.createToken(user: "alice", name: "one")
        let first = try await store.revokeToken(id: created.info.id)
        clock.advance(by: 10)
        let second = try await store.revokeToken(id: created.info.id)
        #expect(second.revokedAt == first.revokedAt)
        await #expect(throws: StoreError.tokenNotFound(999)) { try await store.revokeToken(id: 999) }
    }

    @Test func badInputIsRefusedWithANamedError() async throws {
        let clock = ManualClock()
        let store = try await makeStore(clock: clock)
        await #expect(throws: StoreError.teamNotFound("nope")) {
            try await store.createToken(user: "alice", team: "nope", name: "x")
        }
        await #expect(throws: StoreError.teamAlreadyExists("default")) {
            try await store.createTeam(name: "default")
        }
        await #expect(throws: StoreError.expiryNotInFuture(clock.now)) {
            try await store.createToken(user: "alice", name: "x", expiresAt: clock.now)
        }
        for name in ["", "12345", "has space", "semi;colon", String(repeating: "a", count: 65)] {
            await #expect(throws: StoreError.self) { try await store.createTeam(name: name) }
        }
        await #expect(throws: StoreError.self) { try await store.createToken(user: "al ice", name: "x") }
        await #expect(throws: StoreError.self) { try await store.createToken(user: "alice", name: " \t") }
        #expect(try await store.listTokens().isEmpty, "nothing was created by the failed calls")
    }

    @Test func newUserWithoutTeamGetsTheDefaultTeamCreatedOnDemand() async throws {
        let store = try TernStore.inMemory()
        _ = try await store.createTeam(name: "acme")
        let created = try await store.createToken(user: "alice", name: "x")
        #expect(created.info.teams.map(\.name) == ["default"])
        #expect(try await store.listTeams().map(\.name) == ["acme", "default"])
    }

    @Test func teamsCanBeFoundByIdOrName() async throws {
        let store = try await makeStore()
        let research = try await store.createTeam(name: "research")
        #expect(try await store.team("research") == research)
        #expect(try await store.team(String(research.id)) == research)
        #expect(try await store.listTeams().map(\.name) == ["default", "research"])
        await #expect(throws: StoreError.teamNotFound("42")) { try await store.team("42") }
    }

    @Test func createdTokenDescriptionHidesTheSecret() async throws {
        let store = try await makeStore()
        let created = try await store.createToken(user: "alice", name: "laptop")
        #expect(!String(describing: created).contains(created.plaintext))
        #expect(!"\(created)".contains(created.plaintext.dropFirst(10)))
    }
}
