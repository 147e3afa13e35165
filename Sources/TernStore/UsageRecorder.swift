/// Where the server writes one ``UsageRecord`` per finished or failed request.
///
/// The server depends on this protocol, not on ``TernStore``, so its tests can swap in a fake.
public protocol UsageRecorder: Sendable {
    /// Records one request. When this returns the row is committed (durable); a failure to write
    /// is reported by the recorder itself (see ``StoreOptions/onRecordFailure``), never thrown,
    /// because a request that already finished has nobody left to tell.
    func record(_ row: UsageRecord) async
}
