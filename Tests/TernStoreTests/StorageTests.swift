import Foundation
import Testing

@testable import TernStore

@Suite struct StorageTests {
    /// Every byte the store has written: the database file plus its WAL and shared-memory files.
    private func storedBytes(in directory: URL) throws -> Data {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        #expect(!files.isEmpty)
        return try files.reduce(into: Data()) { bytes, file in bytes += try Data(contentsOf: file) }
    }

    @Test func databaseFilesHoldTheHashButNeverThePlaintext() async throws {
        try await withDatabasePath { path, directory in
            let store = try TernStore(path: path)
            var tokens = [try #require(try await store.bootstrapIfEmpty())]
            for index in 0..<5 {
                tokens.append(try await store.createToken(user: "user\(index)", name: "token \(index)").plaintext)
            }
            // While open, recent writes sit in the WAL file; after closing, in the main file.
            try checkSecrets(tokens, absentFrom: try storedBytes(in: directory), label: "open")
            try store.close()
            try checkSecrets(tokens, absentFrom: try storedBytes(in: directory), label: "closed")
        }
    }

    private func checkSecrets(_ tokens: [String], absentFrom bytes: Data, label: String) throws {
        for token in tokens {
            // The hash is there (so the scan reads the real data) ...
            #expect(bytes.range(of: TokenSecret.hash(token)) != nil, "\(label): hash missing")
            // ... but neither the token nor its secret part is.
            #expect(bytes.range(of: Data(token.utf8)) == nil, "\(label): plaintext found")
            let secretPart = token.dropFirst(TokenSecret.displayPrefix(of: token).count)
            #expect(bytes.range(of: Data(secretPart.utf8)) == nil, "\(label): secret part found")
        }
    }

    @Test func dataSurvivesReopening() async throws {
        try await withDatabasePath { path, _ in
            let created: CreatedToken
            do {
                let store = try TernStore(path: path)
                _ = try await store.createTeam(name: "default")
                created = try await store.createToken(user: "alice", name: "laptop")
                let principal = try await store.authenticate(token: created.plaintext, team: nil)
                await store.record(usageRow(principal, requestID: "req-1"))
                try store.close()
            }
            let reopened = try TernStore(path: path)
            let principal = try await reopened.authenticate(token: created.plaintext, team: nil)
            #expect(principal.userName == "alice")
            let rows = try await reopened.usageRows()
            #expect(rows.map(\.record.requestID) == ["req-1"])
            #expect(try await reopened.listTokens().first?.lastUsedAt != nil)
        }
    }

    @Test func migrationsRunOnceAndReopeningIsIdempotent() async throws {
        try await withDatabasePath { path, _ in
            let first = try TernStore(path: path)
            let applied = try await first.appliedMigrations()
            #expect(applied == Schema.migrator.migrations)
            #expect(!applied.isEmpty)
            _ = try await first.createTeam(name: "kept")
            try first.close()
            for _ in 0..<3 {
                let again = try TernStore(path: path)
                #expect(try await again.appliedMigrations() == applied)
                #expect(try await again.listTeams().map(\.name) == ["kept"])
                try again.close()
            }
        }
    }

    @Test func missingParentDirectoriesAreCreated() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a/b/tern.sqlite").path
        let store = try TernStore(path: path)
        _ = try await store.createTeam(name: "t")
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func unopenablePathIsANamedError() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A directory where the database file should be.
        let path = directory.path
        #expect {
            try TernStore(path: path)
        } throws: { error in
            guard case .cannotOpen(let failedPath, _) = error as? StoreError else { return false }
            return failedPath == path
        }
    }
}
