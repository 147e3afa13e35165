import Foundation
import GRDB

/// Bearer-token authentication: one read transaction, no writes on the hot path
/// (`lastUsedAt` is updated by the usage row the request writes when it ends).
extension TernStore: Authenticator {
    /// Authenticates a `flp_` token and picks the team the request runs as.
    ///
    /// The token is hashed (SHA-256) and looked up by hash; the stored hash is then compared to
    /// the computed one in constant time. Revoked and expired tokens fail exactly like unknown ones.
    ///
    /// - Parameters:
    ///   - token: The bearer credential; empty or whitespace means none was sent.
    ///   - team: The `X-Friendli-Team` value: a team id (all digits) or name that must be one of the
    ///     user's teams. `nil` or empty selects the user's default team.
    /// - Throws: ``AuthError/missingToken``, ``AuthError/invalidToken``, ``AuthError/teamNotAllowed(_:userID:tokenID:)``,
    ///   ``AuthError/storeUnavailable(_:)``.
    public func authenticate(token: String, team: String?) async throws(AuthError) -> Principal {
        let token = token.trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { throw .missingToken }
        guard TokenSecret.isWellFormed(token) else { throw .invalidToken }
        let hash = TokenSecret.hash(token)
        let requestedTeam = team?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let now = nowMilliseconds
        let outcome: AuthOutcome
        do {
            outcome = try await database.read { db in
                try Self.resolve(db, hash: hash, requestedTeam: requestedTeam, now: now)
            }
        } catch {
            throw .storeUnavailable(String(describing: error))
        }
        switch outcome {
        case .authenticated(let principal): return principal
        case .invalidToken: throw .invalidToken
        case .teamNotAllowed(let team, let userID, let tokenID):
            throw .teamNotAllowed(team, userID: userID, tokenID: tokenID)
        }
    }

    private enum AuthOutcome: Sendable {
        case authenticated(Principal)
        case invalidToken
        case teamNotAllowed(String, userID: Int64, tokenID: Int64)
    }

    private static func resolve(_ db: Database, hash: Data, requestedTeam: String?, now: Int64) throws -> AuthOutcome {
        guard let token = try TokenRow.filter(Column("secretHash") == hash).fetchOne(db),
            TokenSecret.constantTimeEquals(token.secretHash, hash),
            token.revokedAt == nil,
            token.expiresAt.map({ now < $0 }) ?? true,
            let tokenID = token.id,
            let user = try UserRow.fetchOne(db, key: token.userId),
            let userID = user.id
        else { return .invalidToken }

        let teams = try Lookup.teams(db, ofUser: userID)
        let chosen: TeamRow?
        if let requestedTeam {
            let id = Lookup.teamID(requestedTeam)
            chosen = teams.first { team in id.map { team.id == $0 } ?? (team.name == requestedTeam) }
        } else {
            chosen = teams.first { $0.id == user.defaultTeamId } ?? teams.first
        }
        // A user without any team (not reachable through this API) cannot act for anyone.
        guard let chosen, let teamID = chosen.id else {
            return .teamNotAllowed(requestedTeam ?? TernStore.defaultTeamName, userID: userID, tokenID: tokenID)
        }
        return .authenticated(
            Principal(userID: userID, userName: user.name, teamID: teamID, teamName: chosen.name, tokenID: tokenID))
    }
}

extension String {
    /// `nil` for the empty string, else the string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
