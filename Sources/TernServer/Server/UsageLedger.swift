import Foundation
import TernStore

/// Writes usage rows in the background so a response never waits for the database, and lets
/// shutdown (and tests) wait until every row is written.
final class UsageLedger: @unchecked Sendable {
    // Sendable: `pending` and `nextID` are guarded by `lock`.
    private let recorder: any UsageRecorder
    private let lock = NSLock()
    private var pending: [UInt64: Task<Void, Never>] = [:]
    private var nextID: UInt64 = 0

    init(recorder: any UsageRecorder) {
        self.recorder = recorder
    }

    /// Queues `row` for writing.
    func record(_ row: UsageRecord) {
        lock.withLock {
            let id = nextID
            nextID += 1
            // Created under the lock, so the task's own removal cannot run before its insertion.
            pending[id] = Task { [recorder] in
                await recorder.record(row)
                self.finished(id)
            }
        }
    }

    /// Waits until every row queued so far is written.
    func flush() async {
        while true {
            let tasks = lock.withLock { Array(pending.values) }
            if tasks.isEmpty { return }
            for task in tasks { await task.value }
        }
    }

    private func finished(_ id: UInt64) {
        lock.withLock { _ = pending.removeValue(forKey: id) }
    }
}
