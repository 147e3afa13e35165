import Foundation
import GRDB

/// Tokens, users, teams and the usage ledger, in one SQLite database.
///
/// On disk the database is a GRDB `DatabasePool` in WAL mode: readers (authentication, listings)
/// run concurrently with the single writer. ``inMemory(options:)`` gives a private database for tests.
///
/// Every method is `async` and hops to GRDB's own queues, so no cooperative thread blocks on SQLite.
/// Writes commit before the method returns; there is no buffer and nothing to flush (see
/// ``record(_:)``).
public final class TernStore: Sendable {
    /// Where the database lives; `nil` for an in-memory store.
    public let path: String?
    let database: any DatabaseWriter
    let options: StoreOptions

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    ///
    /// The parent directory is created if missing. Reopening an up-to-date database runs no migration.
    /// - Throws: ``StoreError/cannotOpen(path:reason:)``.
    public init(path: String, options: StoreOptions = StoreOptions()) throws(StoreError) {
        self.path = path
        self.options = options
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let pool = try DatabasePool(path: path, configuration: Self.configuration(options))
            if options.durability == .powerLoss {
                // GRDB sets NORMAL when it enables WAL; only the writer connection commits.
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            }
            try Schema.migrator.migrate(pool)
            database = pool
        } catch {
            throw .cannotOpen(path: path, reason: String(describing: error))
        }
    }

    private init(memoryDatabase: DatabaseQueue, options: StoreOptions) {
        path = nil
        database = memoryDatabase
        self.options = options
    }

    /// A fresh, private, in-memory store (for tests): same schema, gone when released.
    public static func inMemory(options: StoreOptions = StoreOptions()) throws(StoreError) -> TernStore {
        do {
            let queue = try DatabaseQueue(configuration: configuration(options))
            try Schema.migrator.migrate(queue)
            return TernStore(memoryDatabase: queue, options: options)
        } catch {
            throw .cannotOpen(path: ":memory:", reason: String(describing: error))
        }
    }

    /// Closes the database connections (call on shutdown after the last request finished;
    /// any later call fails with ``StoreError/database(_:)``).
    public func close() throws(StoreError) {
        do {
            try database.close()
        } catch {
            throw .database(String(describing: error))
        }
    }

    /// Names of the migrations applied to the database, oldest first.
    public func appliedMigrations() async throws(StoreError) -> [String] {
        try await read { db in try Schema.migrator.appliedMigrations(db) }
    }

    private static func configuration(_ options: StoreOptions) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "TernStore"
        return configuration
    }

    /// The current time in stored form.
    var nowMilliseconds: Int64 { options.clock().millisecondsSince1970 }

    /// Runs `body` in a write transaction; domain errors pass through, SQLite errors become
    /// ``StoreError/database(_:)``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await database.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database(String(describing: error))
        }
    }

    /// Runs `body` in a read transaction, mapping errors like ``write(_:)``.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await database.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database(String(describing: error))
        }
    }
}
