import Foundation

/// A team: the unit that requests are billed to and that `X-Friendli-Team` selects.
public struct TeamInfo: Sendable, Hashable {
    /// The team's id (also accepted by `X-Friendli-Team`).
    public let id: Int64
    /// The team's unique name (also accepted by `X-Friendli-Team`).
    public let name: String
    /// When the team was created.
    public let createdAt: Date
}

/// A user: owns tokens and belongs to one or more teams.
public struct UserInfo: Sendable, Hashable {
    /// The user's id.
    public let id: Int64
    /// The user's unique name.
    public let name: String
    /// The team used when a request sends no `X-Friendli-Team`.
    public let defaultTeamID: Int64?
    /// The teams the user belongs to, by id.
    public let teams: [TeamInfo]
    /// When the user was created.
    public let createdAt: Date
}

/// What can be shown about a token; never the secret itself.
public struct TokenInfo: Sendable, Hashable {
    /// The token's id (used to revoke it).
    public let id: Int64
    /// The name given at creation, e.g. what it is for.
    public let name: String
    /// The first characters of the token (`flp_` plus a few), enough to recognize it, useless to use it.
    public let displayPrefix: String
    /// The owner's id.
    public let userID: Int64
    /// The owner's name.
    public let userName: String
    /// The owner's teams: the teams this token can act for.
    public let teams: [TeamInfo]
    /// When the token was created.
    public let createdAt: Date
    /// When a request last used the token (from the usage ledger), if ever.
    public let lastUsedAt: Date?
    /// When the token stops working, if it expires.
    public let expiresAt: Date?
    /// When the token was revoked, if it was.
    public let revokedAt: Date?

    /// Whether the token was revoked (a revoked token never authenticates).
    public var isRevoked: Bool { revokedAt != nil }
}

/// A token just created: the only moment its plaintext exists.
///
/// `description` hides the secret so that logging the value by mistake does not leak it.
public struct CreatedToken: Sendable, CustomStringConvertible {
    /// The full `flp_...` token. Show it once; the store keeps only its hash.
    public let plaintext: String
    /// The stored facts about the token.
    public let info: TokenInfo

    public var description: String {
        "CreatedToken(id: \(info.id), name: \(info.name), prefix: \(info.displayPrefix)…)"
    }
}
