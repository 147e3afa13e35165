import Foundation

/// How a ``TernStore`` opens its database and reports ledger failures.
public struct StoreOptions: Sendable {
    /// How much a committed write survives.
    public enum Durability: Sendable, Hashable {
        /// WAL with `synchronous=NORMAL`: a commit survives a crash or kill of the process (the
        /// default; no fsync per commit, so the ledger stays off the hot path). A power loss may
        /// roll back the last transactions.
        case processCrash
        /// WAL with `synchronous=FULL`: a commit also survives a power loss, at one fsync per commit.
        case powerLoss
    }

    /// Durability of commits; see ``Durability``.
    public var durability: Durability
    /// How long a write waits for another process (e.g. the CLI next to a running server) to
    /// release the database lock before failing.
    public var busyTimeout: TimeInterval
    /// The current time; tests inject a fixed clock to test expiry.
    public var clock: @Sendable () -> Date
    /// Called when ``TernStore/record(_:)`` cannot write a row (which it cannot throw).
    /// The server should log it; the default writes one line to standard error.
    public var onRecordFailure: @Sendable (UsageRecord, StoreError) -> Void

    /// Creates options; every parameter has the default the server uses.
    public init(
        durability: Durability = .processCrash,
        busyTimeout: TimeInterval = 5,
        clock: @escaping @Sendable () -> Date = { Date() },
        onRecordFailure: @escaping @Sendable (UsageRecord, StoreError) -> Void = StoreOptions.reportToStandardError
    ) {
        self.durability = durability
        self.busyTimeout = busyTimeout
        self.clock = clock
        self.onRecordFailure = onRecordFailure
    }

    /// The default failure report: one line on standard error naming the request and the error.
    public static let reportToStandardError: @Sendable (UsageRecord, StoreError) -> Void = { record, error in
        let line = "tern: usage row for request \(record.requestID) was not recorded: \(error)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
