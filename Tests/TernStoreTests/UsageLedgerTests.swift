import Foundation
import Testing

@testable import TernStore

@Suite struct UsageLedgerTests {
    /// A store with two teams, each with a user and token, and their principals.
    private func storeWithTwoTeams() async throws -> (TernStore, research: Principal, ops: Principal) {
        let store = try await makeStore()
        _ = try await store.createTeam(name: "research")
        _ = try await store.createTeam(name: "ops")
        let alice = try await store.createToken(user: "alice", team: "research", name: "a")
        let bob = try await store.createToken(user: "bob", team: "ops", name: "b")
        let research = try await store.authenticate(token: alice.plaintext, team: nil)
        let ops = try await store.authenticate(token: bob.plaintext, team: nil)
        return (store, research, ops)
    }

    @Test func recordedRowsReadBackExactly() async throws {
        let (store, research, _) = try await storeWithTwoTeams()
        let row = UsageRecord(
            time: Date(timeIntervalSince1970: 1_800_000_000.123), principal: research, model: "m",
            endpoint: "/v1/completions", promptTokens: 7, completionTokens: 9, latencyMilliseconds: 31, status: 200,
            finishReason: "length", requestID: "req-a")
        let id = try await store.recordUsage(row)
        let rows = try await store.usageRows()
        #expect(rows == [UsageEntry(id: id, record: row)])
    }

    @Test func summaryCountsRequestsTokensAndErrorsPerTeamAndModel() async throws {
        let (store, research, ops) = try await storeWithTwoTeams()
        await store.record(usageRow(research, model: "small", prompt: 10, completion: 5))
        await store.record(usageRow(research, model: "small", prompt: 20, completion: 0, status: 400))
        await store.record(usageRow(research, model: "large", prompt: 1, completion: 2))
        await store.record(usageRow(ops, model: "small", prompt: 100, completion: 50, status: 500))
        await store.record(usageRow(nil, model: "", prompt: 0, completion: 0, status: 401))

        let summaries = try await store.usageSummary()
        #expect(summaries.map(\.teamName) == [nil, "research", "ops"])
        let researchSummary = try #require(summaries.first { $0.teamID == research.teamID })
        #expect(researchSummary.totals == UsageTotals(requests: 3, promptTokens: 31, completionTokens: 7, errors: 1))
        #expect(researchSummary.byModel.map(\.model) == ["large", "small"])
        #expect(
            researchSummary.byModel.last?.totals
                == UsageTotals(requests: 2, promptTokens: 30, completionTokens: 5, errors: 1))
        let opsSummary = try #require(summaries.first { $0.teamID == ops.teamID })
        #expect(opsSummary.totals == UsageTotals(requests: 1, promptTokens: 100, completionTokens: 50, errors: 1))
        #expect(summaries.first?.totals.errors == 1, "unauthenticated failures are their own group")

        let onlyOps = try await store.usageSummary(team: "ops")
        #expect(onlyOps == [opsSummary])
        await #expect(throws: StoreError.teamNotFound("nope")) { try await store.usageSummary(team: "nope") }
    }

    @Test func timeRangeIsHalfOpen() async throws {
        let (store, research, _) = try await storeWithTwoTeams()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for hour in 0..<5 {
            await store.record(
                usageRow(research, time: start.addingTimeInterval(Double(hour) * 3600), requestID: "h\(hour)"))
        }
        let from = start.addingTimeInterval(3600)
        let to = start.addingTimeInterval(3 * 3600)
        let rows = try await store.usageRows(from: from, to: to)
        #expect(rows.map(\.record.requestID) == ["h2", "h1"], "newest first, [from, to)")
        let summary = try await store.usageSummary(from: from, to: to)
        #expect(summary.map(\.totals.requests) == [2])
        #expect(try await store.usageRows(limit: 2).map(\.record.requestID) == ["h4", "h3"])
        #expect(try await store.usageRows(team: "ops").isEmpty)
    }

    @Test func recordingAdvancesTheTokensLastUse() async throws {
        let (store, research, _) = try await storeWithTwoTeams()
        let later = Date(timeIntervalSince1970: 1_800_000_500)
        await store.record(usageRow(research, time: later))
        await store.record(usageRow(research, time: later.addingTimeInterval(-100)))
        let token = try await store.token(id: research.tokenID)
        #expect(token.lastUsedAt == later, "an older row arriving late does not move it back")
    }

    @Test func rowsFromManyConcurrentTasksAreAllPersisted() async throws {
        try await withDatabasePath { path, _ in
            let store = try TernStore(path: path)
            let token = try #require(try await store.bootstrapIfEmpty())
            let principal = try await store.authenticate(token: token, team: nil)
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<50 {
                    group.addTask {
                        for index in 0..<10 {
                            await store.record(
                                usageRow(principal, prompt: 1, completion: 2, requestID: "t\(task)-\(index)"))
                        }
                    }
                }
            }
            try store.close()
            let reopened = try TernStore(path: path)
            let rows = try await reopened.usageRows()
            #expect(rows.count == 500)
            #expect(Set(rows.map(\.record.requestID)).count == 500)
            let totals = try await reopened.usageSummary().first?.totals
            #expect(totals == UsageTotals(requests: 500, promptTokens: 500, completionTokens: 1000, errors: 0))
        }
    }

    @Test func rowIsWrittenEvenWhenTheRequestTaskWasCancelled() async throws {
        let (store, research, _) = try await storeWithTwoTeams()
        let task = Task {
            // The client disconnected: the handler's task is cancelled before it records.
            withUnsafeCurrentTask { $0?.cancel() }
            await store.record(usageRow(research, requestID: "cancelled"))
        }
        await task.value
        #expect(try await store.usageRows().map(\.record.requestID) == ["cancelled"])
    }

    @Test func failedWritesAreReportedNotSwallowed() async throws {
        let failures = Collected<String>()
        let store = try TernStore.inMemory(
            options: StoreOptions(onRecordFailure: { record, _ in failures.append(record.requestID) }))
        try store.close()
        await store.record(usageRow(nil, requestID: "lost"))
        #expect(failures.values == ["lost"])
    }
}
