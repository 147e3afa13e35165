import GRDB

/// The store's schema as versioned migrations. Never edit a registered migration: add a new one.
///
/// Times are integer milliseconds since 1970 (UTC), so range queries compare integers.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: teams, users, tokens, usage") { db in
            try createTeamsAndUsers(db)
            try createTokens(db)
            try createUsageLedger(db)
        }
        return migrator
    }

    private static func createTeamsAndUsers(_ db: Database) throws {
        try db.create(table: TeamRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("name", .text).notNull().unique()
            table.column("createdAt", .integer).notNull()
        }
        try db.create(table: UserRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("name", .text).notNull().unique()
            table.column("defaultTeamId", .integer).references(TeamRow.databaseTableName, onDelete: .setNull)
            table.column("createdAt", .integer).notNull()
        }
        try db.create(table: MembershipRow.databaseTableName) { table in
            table.column("userId", .integer).notNull().references(UserRow.databaseTableName, onDelete: .cascade)
            table.column("teamId", .integer).notNull().indexed()
                .references(TeamRow.databaseTableName, onDelete: .cascade)
            table.column("createdAt", .integer).notNull()
            table.primaryKey(["userId", "teamId"])
        }
    }

    private static func createTokens(_ db: Database) throws {
        try db.create(table: TokenRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("userId", .integer).notNull().indexed()
                .references(UserRow.databaseTableName, onDelete: .cascade)
            table.column("name", .text).notNull()
            // SHA-256 of the whole token; the unique index is what authentication looks up.
            table.column("secretHash", .blob).notNull().unique()
            table.column("displayPrefix", .text).notNull()
            table.column("createdAt", .integer).notNull()
            table.column("expiresAt", .integer)
            table.column("revokedAt", .integer)
            table.column("lastUsedAt", .integer)
        }
    }

    private static func createUsageLedger(_ db: Database) throws {
        // No foreign keys: the ledger is append-only history and a row must never be refused.
        try db.create(table: UsageRow.databaseTableName) { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("time", .integer).notNull().indexed()
            table.column("teamId", .integer)
            table.column("userId", .integer)
            table.column("tokenId", .integer)
            table.column("model", .text).notNull()
            table.column("endpoint", .text).notNull()
            table.column("promptTokens", .integer).notNull()
            table.column("completionTokens", .integer).notNull()
            table.column("latencyMs", .integer).notNull()
            table.column("status", .integer).notNull()
            table.column("finishReason", .text)
            table.column("errorType", .text)
            table.column("requestId", .text).notNull()
        }
        try db.create(index: "usageRecord_on_teamId_time", on: UsageRow.databaseTableName, columns: ["teamId", "time"])
    }
}
