import GRDB

/// Queries shared by the store's operations; each runs inside the caller's transaction.
enum Lookup {
    /// The team whose id (all digits) or name is `idOrName`.
    static func team(_ db: Database, idOrName: String) throws -> TeamRow? {
        if let id = teamID(idOrName) {
            return try TeamRow.fetchOne(db, key: id)
        }
        return try TeamRow.filter(Column("name") == idOrName).fetchOne(db)
    }

    /// Like ``team(_:idOrName:)`` but a missing team is ``StoreError/teamNotFound(_:)``.
    static func requireTeam(_ db: Database, idOrName: String) throws -> TeamRow {
        guard let team = try team(db, idOrName: idOrName) else { throw StoreError.teamNotFound(idOrName) }
        return team
    }

    /// `idOrName` as a team id when it is all ASCII digits (team names never are).
    static func teamID(_ idOrName: String) -> Int64? {
        guard !idOrName.isEmpty, idOrName.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int64(idOrName)
    }

    static func user(_ db: Database, name: String) throws -> UserRow? {
        try UserRow.filter(Column("name") == name).fetchOne(db)
    }

    static func requireUser(_ db: Database, name: String) throws -> UserRow {
        guard let user = try user(db, name: name) else { throw StoreError.userNotFound(name) }
        return user
    }

    /// The user named `name`, created with `team` as default team if missing, and made a member
    /// of `team` if not already.
    static func ensureUser(_ db: Database, name: String, in team: TeamRow, now: Int64) throws -> UserRow {
        guard let teamID = team.id else { throw StoreError.teamNotFound(team.name) }
        var user: UserRow
        if let existing = try Lookup.user(db, name: name) {
            user = existing
        } else {
            user = UserRow(id: nil, name: name, defaultTeamId: teamID, createdAt: now)
            try user.insert(db)
        }
        guard let userID = user.id else { throw StoreError.userNotFound(name) }
        let membership = MembershipRow(userId: userID, teamId: teamID, createdAt: now)
        try membership.insert(db, onConflict: .ignore)
        if user.defaultTeamId == nil {
            user.defaultTeamId = teamID
            try user.update(db)
        }
        return user
    }

    /// The teams of one user, by id.
    static func teams(_ db: Database, ofUser userID: Int64) throws -> [TeamRow] {
        try TeamRow.fetchAll(
            db,
            sql: """
                SELECT team.* FROM team JOIN membership ON membership.teamId = team.id
                WHERE membership.userId = ? ORDER BY team.id
                """, arguments: [userID])
    }

    /// Every user's teams, by user id then team id.
    static func teamsByUser(_ db: Database) throws -> [Int64: [TeamInfo]] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT membership.userId AS userId, team.id AS id, team.name AS name, team.createdAt AS createdAt
                FROM membership JOIN team ON team.id = membership.teamId ORDER BY membership.userId, team.id
                """)
        var result: [Int64: [TeamInfo]] = [:]
        for row in rows {
            let team = try TeamRow(row: row)
            result[row["userId"], default: []].append(team.info())
        }
        return result
    }

    static func userInfo(_ db: Database, _ user: UserRow) throws -> UserInfo {
        let teams = try user.id.map { try Lookup.teams(db, ofUser: $0) } ?? []
        return UserInfo(
            id: user.id ?? 0, name: user.name, defaultTeamID: user.defaultTeamId, teams: teams.map { $0.info() },
            createdAt: .init(millisecondsSince1970: user.createdAt))
    }
}
