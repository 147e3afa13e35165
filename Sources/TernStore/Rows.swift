import Foundation
import GRDB

// Database rows, one struct per table. Internal: the public API speaks in the *Info types.

struct TeamRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "team"
    var id: Int64?
    var name: String
    var createdAt: Int64

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct UserRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "user"
    var id: Int64?
    var name: String
    var defaultTeamId: Int64?
    var createdAt: Int64

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct MembershipRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "membership"
    var userId: Int64
    var teamId: Int64
    var createdAt: Int64
}

struct TokenRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "apiToken"
    var id: Int64?
    var userId: Int64
    var name: String
    var secretHash: Data
    var displayPrefix: String
    var createdAt: Int64
    var expiresAt: Int64?
    var revokedAt: Int64?
    var lastUsedAt: Int64?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct UsageRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "usageRecord"
    var id: Int64?
    var time: Int64
    var teamId: Int64?
    var userId: Int64?
    var tokenId: Int64?
    var model: String
    var endpoint: String
    var promptTokens: Int
    var completionTokens: Int
    var latencyMs: Int
    var status: Int
    var finishReason: String?
    var errorType: String?
    var requestId: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension TeamRow {
    func info() -> TeamInfo {
        TeamInfo(id: id ?? 0, name: name, createdAt: Date(millisecondsSince1970: createdAt))
    }
}

extension UsageRow {
    init(_ record: UsageRecord) {
        self.init(
            id: nil, time: record.time.millisecondsSince1970, teamId: record.teamID, userId: record.userID,
            tokenId: record.tokenID, model: record.model, endpoint: record.endpoint, promptTokens: record.promptTokens,
            completionTokens: record.completionTokens, latencyMs: record.latencyMilliseconds, status: record.status,
            finishReason: record.finishReason, errorType: record.errorType, requestId: record.requestID)
    }

    func entry() -> UsageEntry {
        UsageEntry(
            id: id ?? 0,
            record: UsageRecord(
                time: Date(millisecondsSince1970: time), teamID: teamId, userID: userId, tokenID: tokenId, model: model,
                endpoint: endpoint, promptTokens: promptTokens, completionTokens: completionTokens,
                latencyMilliseconds: latencyMs, status: status, finishReason: finishReason, errorType: errorType,
                requestID: requestId))
    }
}

extension Date {
    /// Milliseconds since 1970, rounded down; how the store keeps times.
    var millisecondsSince1970: Int64 {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded(.down)
        // Clamp instead of trapping on absurd dates (they come from callers).
        guard milliseconds.isFinite else { return 0 }
        return Int64(max(min(milliseconds, Double(Int64.max / 2)), Double(Int64.min / 2)))
    }

    init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
