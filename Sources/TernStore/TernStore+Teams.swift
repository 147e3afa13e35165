import GRDB

/// Teams and users: the management side the CLI drives.
extension TernStore {
    /// Creates a team.
    ///
    /// - Parameter name: Letters, digits, `.`, `_`, `-`; not all digits (those read as ids).
    /// - Throws: ``StoreError/invalidName(kind:name:reason:)``, ``StoreError/teamAlreadyExists(_:)``.
    public func createTeam(name: String) async throws(StoreError) -> TeamInfo {
        let name = try NameRules.teamName(name)
        let now = nowMilliseconds
        return try await write { db in
            guard try Lookup.team(db, idOrName: name) == nil else { throw StoreError.teamAlreadyExists(name) }
            var team = TeamRow(id: nil, name: name, createdAt: now)
            try team.insert(db)
            return team.info()
        }
    }

    /// All teams, by id.
    public func listTeams() async throws(StoreError) -> [TeamInfo] {
        try await read { db in try TeamRow.order(Column("id")).fetchAll(db).map { $0.info() } }
    }

    /// The team with this id or name.
    /// - Throws: ``StoreError/teamNotFound(_:)``.
    public func team(_ idOrName: String) async throws(StoreError) -> TeamInfo {
        try await read { db in try Lookup.requireTeam(db, idOrName: idOrName).info() }
    }

    /// Makes a user a member of a team, creating the user (with this team as default) if needed.
    /// Adding an existing member changes nothing.
    ///
    /// - Throws: ``StoreError/teamNotFound(_:)``, ``StoreError/invalidName(kind:name:reason:)``.
    public func addUser(_ userName: String, toTeam team: String) async throws(StoreError) -> UserInfo {
        let userName = try NameRules.userName(userName)
        let now = nowMilliseconds
        return try await write { db in
            let team = try Lookup.requireTeam(db, idOrName: team)
            let user = try Lookup.ensureUser(db, name: userName, in: team, now: now)
            return try Lookup.userInfo(db, user)
        }
    }

    /// Sets the team a user's requests run as when they send no `X-Friendli-Team`.
    ///
    /// - Throws: ``StoreError/userNotFound(_:)``, ``StoreError/teamNotFound(_:)``,
    ///   ``StoreError/userNotInTeam(user:team:)``.
    public func setDefaultTeam(ofUser userName: String, to team: String) async throws(StoreError) -> UserInfo {
        try await write { db in
            var user = try Lookup.requireUser(db, name: userName)
            let team = try Lookup.requireTeam(db, idOrName: team)
            guard let userID = user.id, let teamID = team.id,
                try MembershipRow.exists(db, key: ["userId": userID, "teamId": teamID])
            else { throw StoreError.userNotInTeam(user: userName, team: team.name) }
            user.defaultTeamId = teamID
            try user.update(db)
            return try Lookup.userInfo(db, user)
        }
    }

    /// The user with this name, with their teams.
    /// - Throws: ``StoreError/userNotFound(_:)``.
    public func user(named userName: String) async throws(StoreError) -> UserInfo {
        try await read { db in try Lookup.userInfo(db, Lookup.requireUser(db, name: userName)) }
    }

    /// All users with their teams, by id.
    public func listUsers() async throws(StoreError) -> [UserInfo] {
        try await read { db in
            let teams = try Lookup.teamsByUser(db)
            return try UserRow.order(Column("id")).fetchAll(db).map { user in
                UserInfo(
                    id: user.id ?? 0, name: user.name, defaultTeamID: user.defaultTeamId,
                    teams: user.id.flatMap { teams[$0] } ?? [], createdAt: .init(millisecondsSince1970: user.createdAt))
            }
        }
    }
}
