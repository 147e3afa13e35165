import Foundation
import GRDB

/// API tokens: creation (the only time the plaintext exists), listing and revocation.
extension TernStore {
    /// The team a token acts for when its creator names none; created the first time it is needed.
    public static let defaultTeamName = "default"

    /// Creates a token for a new user of its own, whose default and only team is `team`.
    ///
    /// Tokens made this way never share a user, so each one can act only for the team it was made
    /// for: `X-Friendli-Team` naming any other team is refused (403), and without the header the
    /// token runs and is billed as `team`. The user is named `token-` plus the token's display
    /// prefix (e.g. `token-a1B2c3`), so listings pair the two at a glance.
    ///
    /// - Parameters:
    ///   - team: A team id or name; `nil` for the team named `default` (created if missing).
    ///   - name: What the token is for (shown in listings).
    ///   - expiresAt: When the token stops working; `nil` for never. Must be in the future.
    /// - Returns: The plaintext token (show it once) and its stored facts.
    /// - Throws: ``StoreError/teamNotFound(_:)`` for a named team that does not exist,
    ///   ``StoreError/invalidName(kind:name:reason:)``, ``StoreError/expiryNotInFuture(_:)``.
    public func createToken(team: String? = nil, name: String, expiresAt: Date? = nil) async throws(StoreError)
        -> CreatedToken
    {
        let name = try NameRules.tokenName(name)
        let now = nowMilliseconds
        let expiry = try Self.expiry(expiresAt, now: now)
        return try await write { db in
            let team = try Self.teamOrDefault(db, team, now: now)
            let plaintext = TokenSecret.generate()
            let ownName = "token-" + TokenSecret.displayPrefix(of: plaintext).dropFirst(TokenSecret.scheme.count)
            let user = try Self.insertOwnUser(db, named: ownName, in: team, now: now)
            guard let userID = user.id else { throw StoreError.userNotFound(user.name) }
            let row = try Self.insertToken(
                db, plaintext: plaintext, userID: userID, name: name, expiresAt: expiry, now: now)
            return try Self.created(db, plaintext: plaintext, row: row)
        }
    }

    /// Creates a token for a named user, creating the user if needed.
    ///
    /// Every token of a user can act for every team of that user; use ``createToken(team:name:expiresAt:)``
    /// for a token confined to one team.
    ///
    /// - Parameters:
    ///   - userName: The owner. A missing user is created with `team` (or `default`) as default team.
    ///   - team: A team id or name the user should act for; the user joins it if not a member yet
    ///     (their default team does not change). `nil` keeps an existing user's teams, and puts a new
    ///     user in the team named `default` (created if missing).
    ///   - name: What the token is for (shown in listings).
    ///   - expiresAt: When the token stops working; `nil` for never. Must be in the future.
    /// - Returns: The plaintext token (show it once) and its stored facts.
    public func createToken(
        user userName: String, team: String? = nil, name: String, expiresAt: Date? = nil
    ) async throws(StoreError) -> CreatedToken {
        let userName = try NameRules.userName(userName)
        let name = try NameRules.tokenName(name)
        let now = nowMilliseconds
        let expiry = try Self.expiry(expiresAt, now: now)
        return try await write { db in
            let user: UserRow
            if let team {
                user = try Lookup.ensureUser(db, name: userName, in: Lookup.requireTeam(db, idOrName: team), now: now)
            } else if let existing = try Lookup.user(db, name: userName) {
                user = existing
            } else {
                user = try Lookup.ensureUser(db, name: userName, in: Self.teamOrDefault(db, nil, now: now), now: now)
            }
            guard let userID = user.id else { throw StoreError.userNotFound(userName) }
            let plaintext = TokenSecret.generate()
            let row = try Self.insertToken(
                db, plaintext: plaintext, userID: userID, name: name, expiresAt: expiry, now: now)
            return try Self.created(db, plaintext: plaintext, row: row)
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

    /// Stores a token's hash and display prefix (never the token).
    static func insertToken(
        _ db: Database, plaintext: String, userID: Int64, name: String, expiresAt: Int64?, now: Int64
    ) throws -> TokenRow {
        var row = TokenRow(
            id: nil, userId: userID, name: name, secretHash: TokenSecret.hash(plaintext),
            displayPrefix: TokenSecret.displayPrefix(of: plaintext), createdAt: now, expiresAt: expiresAt,
            revokedAt: nil, lastUsedAt: nil)
        try row.insert(db)
        return row
    }

    /// The answer to a creation: the plaintext and the facts just stored.
    private static func created(_ db: Database, plaintext: String, row: TokenRow) throws -> CreatedToken {
        guard let info = try tokenInfos(db, where: row.id).first else {
            throw StoreError.database("token \(row.id ?? 0) vanished inside its own transaction")
        }
        return CreatedToken(plaintext: plaintext, info: info)
    }

    /// `expiresAt` in stored form; it must lie after `now`.
    private static func expiry(_ expiresAt: Date?, now: Int64) throws(StoreError) -> Int64? {
        guard let expiresAt else { return nil }
        let expiry = expiresAt.millisecondsSince1970
        guard expiry > now else { throw .expiryNotInFuture(expiresAt) }
        return expiry
    }

    /// The named team (which must exist), or the team `default`, created if missing.
    static func teamOrDefault(_ db: Database, _ idOrName: String?, now: Int64) throws -> TeamRow {
        if let idOrName { return try Lookup.requireTeam(db, idOrName: idOrName) }
        if let existing = try Lookup.team(db, idOrName: defaultTeamName) { return existing }
        var team = TeamRow(id: nil, name: defaultTeamName, createdAt: now)
        try team.insert(db)
        return team
    }

    /// A new user that exists for one token, member of `team` only: named `base`, or `base-2`,
    /// `base-3`... when that name is taken.
    static func insertOwnUser(_ db: Database, named base: String, in team: TeamRow, now: Int64) throws -> UserRow {
        guard let teamID = team.id else { throw StoreError.teamNotFound(team.name) }
        var candidate = base
        var suffix = 1
        while try Lookup.user(db, name: candidate) != nil {
            suffix += 1
            candidate = "\(base)-\(suffix)"
        }
        var user = UserRow(id: nil, name: candidate, defaultTeamId: teamID, createdAt: now)
        try user.insert(db)
        guard let userID = user.id else { throw StoreError.userNotFound(candidate) }
        try MembershipRow(userId: userID, teamId: teamID, createdAt: now).insert(db)
        return user
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
