import Foundation
import Testing

@testable import TernStore

/// A clock the test moves by hand (to test expiry).
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Collects values from concurrent callbacks.
final class Collected<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value] = []

    func append(_ value: Value) { lock.withLock { storage.append(value) } }

    var values: [Value] { lock.withLock { storage } }
}

/// A fresh directory under the system's temporary directory; the test removes it when done.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tern-store-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` with the path of a database file inside a fresh directory, then removes the directory.
func withDatabasePath(_ body: (_ path: String, _ directory: URL) async throws -> Void) async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory.appendingPathComponent("tern.sqlite").path, directory)
}

/// An in-memory store with a team `default`, so that tokens can be created without naming a team.
func makeStore(clock: ManualClock? = nil) async throws -> TernStore {
    var options = StoreOptions()
    if let clock { options.clock = { clock.now } }
    let store = try TernStore.inMemory(options: options)
    _ = try await store.createTeam(name: TernStore.defaultTeamName)
    return store
}

/// A usage row with the fields tests vary; the rest are plausible constants.
func usageRow(
    _ principal: Principal?, model: String = "smollm2-135m-instruct", prompt: Int = 10, completion: Int = 20,
    status: Int = 200, time: Date = Date(timeIntervalSince1970: 1_800_000_000), requestID: String = UUID().uuidString
) -> UsageRecord {
    UsageRecord(
        time: time, principal: principal, model: model, endpoint: "/serverless/v1/chat/completions",
        promptTokens: prompt, completionTokens: completion, latencyMilliseconds: 42, status: status,
        finishReason: status < 400 ? "stop" : nil, errorType: status < 400 ? nil : "invalid_request",
        requestID: requestID)
}
