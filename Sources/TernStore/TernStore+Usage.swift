import Foundation
import GRDB

/// The usage ledger: one row per finished or failed request, and reports over it.
///
/// Durability: ``record(_:)`` returns only after its row is committed (WAL; see
/// ``StoreOptions/Durability``). Nothing is buffered, so a graceful shutdown loses nothing as long
/// as the server awaits its in-flight `record` calls before exiting.
extension TernStore: UsageRecorder {
    /// Records one request's row; see ``recordUsage(_:)``. Failures go to
    /// ``StoreOptions/onRecordFailure`` because the protocol cannot throw.
    public func record(_ row: UsageRecord) async {
        do {
            try await recordUsage(row)
        } catch {
            options.onRecordFailure(row, error)
        }
    }

    /// Appends a row to the ledger in its own transaction and returns its id once committed;
    /// also advances the token's `lastUsedAt`.
    ///
    /// Runs even if the calling task is cancelled: a request cancelled by its client still
    /// leaves its row.
    @discardableResult
    public func recordUsage(_ record: UsageRecord) async throws(StoreError) -> Int64 {
        let row = UsageRow(record)
        // An unstructured task does not inherit the caller's cancellation, which GRDB would
        // otherwise honour by refusing the write.
        let insertion = Task { await self.insert(row) }
        return try await insertion.value.get()
    }

    private func insert(_ row: UsageRow) async -> Result<Int64, StoreError> {
        do {
            let id = try await write { db in
                var inserted = row
                try inserted.insert(db)
                if let tokenID = row.tokenId {
                    try db.execute(
                        sql: "UPDATE apiToken SET lastUsedAt = MAX(COALESCE(lastUsedAt, 0), ?) WHERE id = ?",
                        arguments: [row.time, tokenID])
                }
                return inserted.id ?? 0
            }
            return .success(id)
        } catch {
            return .failure(error)
        }
    }

    /// Per-team usage in `[from, to)`, with a breakdown by model.
    ///
    /// - Parameters:
    ///   - from: First instant included; `nil` for the beginning of the ledger.
    ///   - to: First instant excluded; `nil` for no end.
    ///   - team: Only this team (id or name); `nil` for all teams, including the `teamID == nil`
    ///     group of requests refused before a team was chosen (401, and 403 for a team the user is not in).
    /// - Returns: One summary per team, by team id (the `nil` team first).
    /// - Throws: ``StoreError/teamNotFound(_:)`` when `team` names no team.
    public func usageSummary(from: Date? = nil, to: Date? = nil, team: String? = nil) async throws(StoreError)
        -> [UsageSummary]
    {
        let range = TimeRange(from: from, to: to)
        return try await read { db in
            let filter = try range.sqlFilter(team: team.map { try Lookup.requireTeam(db, idOrName: $0) })
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT teamId, model, COUNT(*) AS requests, SUM(promptTokens) AS promptTokens,
                        SUM(completionTokens) AS completionTokens, SUM(status >= 400) AS errors
                    FROM usageRecord WHERE \(filter.sql)
                    GROUP BY teamId, model ORDER BY teamId, model
                    """, arguments: filter.arguments)
            let teamNames = try Dictionary(
                TeamRow.fetchAll(db).compactMap { team in team.id.map { ($0, team.name) } },
                uniquingKeysWith: { first, _ in first })
            return Self.summaries(rows, teamNames: teamNames)
        }
    }

    /// Ledger rows in `[from, to)`, newest first.
    ///
    /// - Parameters:
    ///   - team: Only this team (id or name); `nil` for all rows.
    ///   - limit: At most this many rows; `nil` for all.
    /// - Throws: ``StoreError/teamNotFound(_:)`` when `team` names no team.
    public func usageRows(from: Date? = nil, to: Date? = nil, team: String? = nil, limit: Int? = nil)
        async throws(StoreError) -> [UsageEntry]
    {
        let range = TimeRange(from: from, to: to)
        return try await read { db in
            let filter = try range.sqlFilter(team: team.map { try Lookup.requireTeam(db, idOrName: $0) })
            var arguments = filter.arguments
            var sql = "SELECT * FROM usageRecord WHERE \(filter.sql) ORDER BY time DESC, id DESC"
            if let limit {
                sql += " LIMIT ?"
                arguments += [max(limit, 0)]
            }
            return try UsageRow.fetchAll(db, sql: sql, arguments: arguments).map { $0.entry() }
        }
    }

    private static func summaries(_ rows: [Row], teamNames: [Int64: String]) -> [UsageSummary] {
        var order: [Int64?] = []
        var models: [Int64?: [ModelUsage]] = [:]
        for row in rows {
            let teamID: Int64? = row["teamId"]
            let totals = UsageTotals(
                requests: row["requests"], promptTokens: row["promptTokens"] ?? 0,
                completionTokens: row["completionTokens"] ?? 0, errors: row["errors"] ?? 0)
            if models[teamID] == nil { order.append(teamID) }
            models[teamID, default: []].append(ModelUsage(model: row["model"], totals: totals))
        }
        return order.map { teamID in
            let byModel = models[teamID] ?? []
            return UsageSummary(
                teamID: teamID, teamName: teamID.flatMap { teamNames[$0] },
                totals: byModel.reduce(.zero) { $0 + $1.totals }, byModel: byModel)
        }
    }
}

/// A half-open time range over the ledger, in stored milliseconds.
private struct TimeRange: Sendable {
    let lower: Int64
    let upper: Int64?

    init(from: Date?, to: Date?) {
        lower = from?.millisecondsSince1970 ?? .min
        upper = to?.millisecondsSince1970
    }

    func sqlFilter(team: TeamRow?) -> (sql: String, arguments: StatementArguments) {
        var clauses = ["time >= ?"]
        var arguments: StatementArguments = [lower]
        if let upper {
            clauses.append("time < ?")
            arguments += [upper]
        }
        if let team {
            clauses.append("teamId = ?")
            arguments += [team.id]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }
}
