import Foundation
import Hummingbird
import TernStore

/// The API's request handlers and what they share. Every handler answers with a response, never
/// a thrown error: failures become ``APIError`` bodies here, so the status and the usage row agree.
struct APIHandlers: Sendable {
    let registry: ModelRegistry
    let authenticator: any Authenticator
    let ledger: UsageLedger
    let metrics: any ServerMetrics
    let configuration: ServerConfiguration
    let templates = ChatTemplateCache()
    /// Compiled response formats and tool-call grammars, and each model's grammar vocabulary.
    let constraints = ConstraintCache()

    /// Answers a request refused by ``begin(_:endpoint:idPrefix:)`` (its usage row is already
    /// queued there).
    func refuse(_ error: APIError, endpoint: String) -> Response {
        metrics.requestFinished(endpoint: endpoint, model: nil, status: Int(error.status.code), seconds: 0)
        return error.response()
    }

    /// Queues the usage row of a request refused while authenticating, and returns `error`.
    ///
    /// Every refused request leaves a row: a 401 with no team, user or token; a 403 with the user
    /// and token that asked for a team they are not in (and no team, since none was chosen). The
    /// row costs one small insert off the request path; the body is never read.
    func refusal(
        _ error: APIError, endpoint: String, start: ContinuousClock.Instant, userID: Int64? = nil,
        tokenID: Int64? = nil
    ) -> APIError {
        let milliseconds = (ContinuousClock.now - start).seconds * 1000
        ledger.record(
            UsageRecord(
                time: Date(), teamID: nil, userID: userID, tokenID: tokenID, model: "", endpoint: endpoint,
                promptTokens: 0, completionTokens: 0, latencyMilliseconds: Int(milliseconds.rounded()),
                status: Int(error.status.code), errorType: error.code ?? error.type,
                requestID: InferenceCall.makeID(prefix: "req-")))
        return error
    }
}
