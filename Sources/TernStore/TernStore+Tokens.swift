import Foundation
import GRDB

/// API tokens: creation (the only time the plaintext exists), listing and revocation.
extension TernStore {
    /// The team a new user joins when ``createToken(user:team:name:expiresAt:)`` names no team.
    public static let defaultTeamName = "default"

    /// Creates a token for a user, creating the user if needed.
    ///
    /// - Parameters:
    ///   - userName: The owner. A missing user is created with `team` as default team.
    ///   - team: A team id or name the user should act for; the user joins it if not a member yet.
    ///     `nil` keeps an existing user's teams, and puts a new user in the team named `default`.
    ///   - name: What the token is for (shown in listings).
    ///   - expiresAt: When the token stops working; `nil` for never. Must be in the future.
    /// - Returns: The plaintext token (show it once) and its stored facts.
    public func createToken(
        user userName: String, team: String? = nil, name: String, expiresAt: Date? = nil
    ) async throws(StoreError) -> CreatedToken {
        let userName = try NameRules.userName(userName)
        let name = try NameRules.tokenName(name)
        let now = nowMilliseconds
        let expiry = expiresAt?.millisecondsSince1970
        if let expiresAt, let expiry, expiry <= now { throw .expiryNotInFuture(expiresAt) }
        return try await write { db in
            let user: UserRow
            if let team {
                user = try Lookup.ensureUser(db, name: userName, in: Lookup.requireTeam(db, idOrName: team), now: now)
            } else if let existing = try Lookup.user(db, name: userName) {
                user = existing
            } else {
                let defaultTeam = try Lookup.requireTeam(db, idOrName: Self.defaultTeamName)
                user = try Lookup.ensureUser(db, name: userName, in: defaultTeam, now: now)
            }
            guard let userID = user.id else { throw StoreError.userNotFound(userName) }
            let (plaintext, row) = try Self.insertToken(db, userID: userID, name: name, expiresAt: expiry, now: now)
            guard let info = try Self.tokenInfos(db, where: row.id).first else {
                throw StoreError.database("token \(row.id ?? 0) vanished inside its own transaction")
            }
            return CreatedToken(plaintext: plaintext, info: info)
        }
    }

    /// All tokens (revoked ones included, see ``TokenInfo/isRevoked``), by id.
    public func listTokens() async throws(StoreError) -> [TokenInfo] {
        try await read { db in try Self.tokenInfos(db, where: nil) }
    }

    /// One token's stored facts.
    /// - Throws: ``StoreError/tokenNotFound(_:)``.
    public func token(id: Int64) async throws(StoreError) -> TokenInfo {
        try await read { db in
            guard let info = try Self.tokenInfos(db, where: id).first else { throw StoreError.tokenNotFound(id) }
            return info
        }
    }

    /// Revokes a token: from now on it never authenticates. Revoking twice keeps the first time.
    /// - Throws: ``StoreError/tokenNotFound(_:)``.
    public func revokeToken(id: Int64) async throws(StoreError) -> TokenInfo {
        let now = nowMilliseconds
        return try await write { db in
            guard var row = try TokenRow.fetchOne(db, key: id) else { throw StoreError.tokenNotFound(id) }
            if row.revokedAt == nil {
                row.revokedAt = now
                try row.update(db)
            }
            guard let info = try Self.tokenInfos(db, where: id).first else { throw StoreError.tokenNotFound(id) }
            return info
        }
    }

    /// Generates a token and stores its hash and display prefix (never the token).
    static func insertToken(
        _ db: Database, userID: Int64, name: String, expiresAt: Int64?, now: Int64
    ) throws -> (plaintext: String, row: TokenRow) {
        let plaintext = TokenSecret.generate()
        var row = TokenRow(
            id: nil, userId: userID, name: name, secretHash: TokenSecret.hash(plaintext),
            displayPrefix: TokenSecret.displayPrefix(of: plaintext), createdAt: now, expiresAt: expiresAt,
            revokedAt: nil, lastUsedAt: nil)
        try row.insert(db)
        return (plaintext, row)
    }

    /// Token facts joined with their owners and the owners' teams; one token when `id` is given.
    static func tokenInfos(_ db: Database, where id: Int64?) throws -> [TokenInfo] {
        var request = TokenRow.all().order(Column("id"))
        if let id { request = request.filter(key: id) }
        let tokens = try request.fetchAll(db)
        let users = try Dictionary(
            UserRow.fetchAll(db, keys: Set(tokens.map(\.userId))).compactMap { user in user.id.map { ($0, user) } },
            uniquingKeysWith: { first, _ in first })
        let teams = try Lookup.teamsByUser(db)
        return tokens.map { token in
            TokenInfo(
                id: token.id ?? 0, name: token.name, displayPrefix: token.displayPrefix, userID: token.userId,
                userName: users[token.userId]?.name ?? "", teams: teams[token.userId] ?? [],
                createdAt: Date(millisecondsSince1970: token.createdAt),
                lastUsedAt: token.lastUsedAt.map(Date.init(millisecondsSince1970:)),
                expiresAt: token.expiresAt.map(Date.init(millisecondsSince1970:)),
                revokedAt: token.revokedAt.map(Date.init(millisecondsSince1970:)))
        }
    }
}
