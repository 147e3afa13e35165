import GRDB

/// First start: make an empty store usable without any manual step.
extension TernStore {
    /// The user created by ``bootstrapIfEmpty()``.
    public static let bootstrapUserName = "default"
    /// The name of the token created by ``bootstrapIfEmpty()``.
    public static let bootstrapTokenName = "bootstrap"

    /// On a store without any token (revoked ones count), creates the team `default`, the user
    /// `default` in it and one token, and returns that token's plaintext so the server can print
    /// it once. Returns `nil` when the store already has tokens.
    ///
    /// Runs in one immediate transaction, so two servers starting at once create one token, not two.
    public func bootstrapIfEmpty() async throws(StoreError) -> String? {
        let now = nowMilliseconds
        return try await write { db in
            guard try TokenRow.fetchCount(db) == 0 else { return nil }
            let team = try Self.teamOrDefault(db, nil, now: now)
            let user = try Lookup.ensureUser(db, name: Self.bootstrapUserName, in: team, now: now)
            guard let userID = user.id else { throw StoreError.userNotFound(Self.bootstrapUserName) }
            let plaintext = TokenSecret.generate()
            _ = try Self.insertToken(
                db, plaintext: plaintext, userID: userID, name: Self.bootstrapTokenName, expiresAt: nil, now: now)
            return plaintext
        }
    }
}
