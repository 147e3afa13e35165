import Foundation
import Testing

@testable import TernStore

@Suite struct AuthenticationTests {
    @Test func createdTokenAuthenticatesAsItsUserAndDefaultTeam() async throws {
        let store = try await makeStore()
        let research = try await store.createTeam(name: "research")
        let created = try await store.createToken(user: "alice", team: "research", name: "laptop")
        let principal = try await store.authenticate(token: created.plaintext, team: nil)
        #expect(principal.userName == "alice")
        #expect(principal.teamID == research.id)
        #expect(principal.teamName == "research")
        #expect(principal.tokenID == created.info.id)
        #expect(principal.userID == created.info.userID)
    }

    @Test func teamHeaderSelectsATeamByIdOrByName() async throws {
        let store = try await makeStore()
        let research = try await store.createTeam(name: "research")
        let ops = try await store.createTeam(name: "ops")
        let created = try await store.createToken(user: "alice", team: "research", name: "laptop")
        _ = try await store.addUser("alice", toTeam: "ops")

        let byName = try await store.authenticate(token: created.plaintext, team: "ops")
        #expect(byName.teamID == ops.id)
        let byID = try await store.authenticate(token: created.plaintext, team: String(ops.id))
        #expect(byID.teamName == "ops")
        let padded = try await store.authenticate(token: created.plaintext, team: " research ")
        #expect(padded.teamID == research.id)
        let empty = try await store.authenticate(token: created.plaintext, team: "")
        #expect(empty.teamID == research.id, "an empty header means the default team")
    }

    @Test func teamOutsideTheUsersTeamsIsNotAllowed() async throws {
        let store = try await makeStore()
        let secret = try await store.createTeam(name: "secret")
        let created = try await store.createToken(user: "alice", name: "laptop")
        let (user, token) = (created.info.userID, created.info.id)
        await #expect(throws: AuthError.teamNotAllowed("secret", userID: user, tokenID: token)) {
            try await store.authenticate(token: created.plaintext, team: "secret")
        }
        await #expect(throws: AuthError.teamNotAllowed(String(secret.id), userID: user, tokenID: token)) {
            try await store.authenticate(token: created.plaintext, team: String(secret.id))
        }
        // A team that does not exist answers the same, so team names do not leak.
        await #expect(throws: AuthError.teamNotAllowed("nonexistent", userID: user, tokenID: token)) {
            try await store.authenticate(token: created.plaintext, team: "nonexistent")
        }
    }

    @Test func unknownMalformedAndMissingTokensAreRejected() async throws {
        let store = try await makeStore()
        _ = try await store.createToken(user: "alice", name: "laptop")
        await #expect(throws: AuthError.invalidToken) {
            try await store.authenticate(token: TokenSecret.generate(), team: nil)
        }
        await #expect(throws: AuthError.invalidToken) {
            try await store.authenticate(token: "not-a-token", team: nil)
        }
        await #expect(throws: AuthError.missingToken) {
            try await store.authenticate(token: "", team: nil)
        }
        await #expect(throws: AuthError.missingToken) {
            try await store.authenticate(token: "   ", team: "default")
        }
    }

    @Test func revokedTokenNeverAuthenticatesAgain() async throws {
        let store = try await makeStore()
        let kept = try await store.createToken(user: "alice", name: "kept")
        let revoked = try await store.createToken(user: "alice", name: "lost")
        _ = try await store.authenticate(token: revoked.plaintext, team: nil)

        let info = try await store.revokeToken(id: revoked.info.id)
        #expect(info.isRevoked)
        await #expect(throws: AuthError.invalidToken) {
            try await store.authenticate(token: revoked.plaintext, team: nil)
        }
        // Revoking one token leaves the user's other tokens working.
        _ = try await store.authenticate(token: kept.plaintext, team: nil)
    }

    @Test func expiredTokenIsRejectedLikeAnUnknownOne() async throws {
        let clock = ManualClock()
        let store = try await makeStore(clock: clock)
        let created = try await store.createToken(
            user: "alice", name: "short-lived", expiresAt: clock.now.addingTimeInterval(60))
        _ = try await store.authenticate(token: created.plaintext, team: nil)
        clock.advance(by: 59)
        _ = try await store.authenticate(token: created.plaintext, team: nil)
        clock.advance(by: 1)
        await #expect(throws: AuthError.invalidToken) {
            try await store.authenticate(token: created.plaintext, team: nil)
        }
    }

    @Test func defaultTeamCanBeChanged() async throws {
        let store = try await makeStore()
        let ops = try await store.createTeam(name: "ops")
        let created = try await store.createToken(user: "alice", name: "laptop")
        _ = try await store.addUser("alice", toTeam: "ops")
        #expect(try await store.authenticate(token: created.plaintext, team: nil).teamName == "default")

        let user = try await store.setDefaultTeam(ofUser: "alice", to: "ops")
        #expect(user.defaultTeamID == ops.id)
        #expect(try await store.authenticate(token: created.plaintext, team: nil).teamID == ops.id)
    }

    @Test func defaultTeamMustBeOneOfTheUsersTeams() async throws {
        let store = try await makeStore()
        _ = try await store.createTeam(name: "ops")
        _ = try await store.createToken(user: "alice", name: "laptop")
        await #expect(throws: StoreError.userNotInTeam(user: "alice", team: "ops")) {
            try await store.setDefaultTeam(ofUser: "alice", to: "ops")
        }
    }
}
