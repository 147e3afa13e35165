import Foundation
import Testing

@testable import TernStore

/// Which teams a token can act for, depending on how it was created.
@Suite struct TokenScopeTests {
    @Test func tokensWithoutAUserEachGetTheirOwnUserConfinedToTheirTeam() async throws {
        let store = try await makeStore()
        let acme = try await store.createTeam(name: "acme")
        let globex = try await store.createTeam(name: "globex")
        let forAcme = try await store.createToken(team: "acme", name: "ci")
        let forGlobex = try await store.createToken(team: "globex", name: "ci")
        let forDefault = try await store.createToken(name: "ci")

        #expect(Set([forAcme, forGlobex, forDefault].map(\.info.userID)).count == 3, "no two tokens share a user")
        #expect(forAcme.info.teams.map(\.name) == ["acme"])
        #expect(forAcme.info.userName == "token-" + forAcme.info.displayPrefix.dropFirst(4))

        // Without X-Friendli-Team a token runs (and is billed) as the team it was made for.
        #expect(try await store.authenticate(token: forAcme.plaintext, team: nil).teamID == acme.id)
        #expect(try await store.authenticate(token: forGlobex.plaintext, team: nil).teamID == globex.id)
        #expect(try await store.authenticate(token: forDefault.plaintext, team: nil).teamName == "default")
        // No token can pick a team another token was made for.
        for (token, foreign) in [(forAcme, "globex"), (forAcme, "default"), (forGlobex, "acme"), (forDefault, "acme")] {
            await #expect(throws: AuthError.teamNotAllowed(foreign, userID: token.info.userID, tokenID: token.info.id))
            {
                try await store.authenticate(token: token.plaintext, team: foreign)
            }
        }
    }

    @Test func aNamedUserIsCreatedInTheTeamOrJoinsIt() async throws {
        let store = try await makeStore()
        _ = try await store.createTeam(name: "acme")
        let ops = try await store.createTeam(name: "ops")
        let first = try await store.createToken(user: "alice", team: "ops", name: "one")
        #expect(try await store.user(named: "alice").defaultTeamID == ops.id, "a new user's default is the team")

        let second = try await store.createToken(user: "alice", team: "acme", name: "two")
        let alice = try await store.user(named: "alice")
        #expect(alice.teams.map(\.name) == ["acme", "ops"], "an existing user joins the team")
        #expect(alice.defaultTeamID == ops.id, "joining does not move the default team")
        #expect(second.info.userID == first.info.userID)
        // Tokens of one user share the user's teams.
        #expect(try await store.authenticate(token: first.plaintext, team: "acme").teamName == "acme")
    }

    @Test func theDefaultTeamIsCreatedWhenATokenNeedsIt() async throws {
        let store = try TernStore.inMemory()
        _ = try await store.createTeam(name: "acme")
        let created = try await store.createToken(name: "cli")
        #expect(created.info.teams.map(\.name) == ["default"])
        #expect(try await store.authenticate(token: created.plaintext, team: nil).teamName == "default")
        // Later tokens reuse it.
        _ = try await store.createToken(name: "cli")
        #expect(try await store.listTeams().map(\.name) == ["acme", "default"])
    }

    @Test func aNamedTeamMustExist() async throws {
        let store = try TernStore.inMemory()
        await #expect(throws: StoreError.teamNotFound("acme")) { try await store.createToken(team: "acme", name: "x") }
        #expect(try await store.listTeams().isEmpty, "a failed creation leaves nothing behind")
        #expect(try await store.listUsers().isEmpty)
    }

    @Test func anOwnUserNameThatIsTakenGetsASuffix() async throws {
        let store = try await makeStore()
        _ = try await store.addUser("token-abc", toTeam: "default")
        _ = try await store.addUser("token-abc-2", toTeam: "default")
        let user = try await store.write { db in
            try TernStore.insertOwnUser(
                db, named: "token-abc", in: Lookup.requireTeam(db, idOrName: "default"), now: 0)
        }
        #expect(user.name == "token-abc-3")
    }
}
