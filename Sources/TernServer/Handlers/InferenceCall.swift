import Foundation
import Hummingbird
import TernStore

/// One authenticated inference request: who made it, when, and the usage row it owes the ledger
/// when it ends, however it ends.
struct InferenceCall: Sendable {
    let requestID: String
    let endpoint: String
    let principal: Principal
    let start: ContinuousClock.Instant
    let ledger: UsageLedger
    let metrics: any ServerMetrics

    /// Status recorded for a client that disconnected before the answer was complete (nginx's
    /// "client closed request").
    static let clientClosedStatus = 499

    /// Writes the usage row and request metrics.
    func finish(
        model: String, status: Int, promptTokens: Int = 0, completionTokens: Int = 0, finishReason: String? = nil,
        errorType: String? = nil
    ) {
        let seconds = (ContinuousClock.now - start).seconds
        ledger.record(
            UsageRecord(
                time: Date(), principal: principal, model: model, endpoint: endpoint, promptTokens: promptTokens,
                completionTokens: completionTokens, latencyMilliseconds: Int((seconds * 1000).rounded()),
                status: status, finishReason: finishReason, errorType: errorType, requestID: requestID))
        metrics.requestFinished(
            endpoint: endpoint, model: model.isEmpty ? nil : model, status: status, seconds: seconds)
        if status < 400 || status == Self.clientClosedStatus, promptTokens + completionTokens > 0 {
            metrics.tokensProcessed(model: model, prompt: promptTokens, generated: completionTokens)
        }
    }

    /// Records a failure answered with `error`.
    func fail(model: String, _ error: APIError, promptTokens: Int = 0) {
        finish(
            model: model, status: Int(error.status.code), promptTokens: promptTokens,
            errorType: error.code ?? error.type)
    }

    /// A new id: `prefix` and 32 hex digits, like `chatcmpl-3f2a…`.
    static func makeID(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<2).map { _ in
            let value = generator.next() as UInt64
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return prefix + hex.joined()
    }
}

extension HTTPFields {
    /// The `X-Friendli-Team` header: the team a request runs as.
    var friendliTeam: String? {
        first { $0.name.canonicalName == "x-friendli-team" }?.value
    }
}

extension APIHandlers {
    /// Authenticates `request` and starts its usage accounting; a refusal's usage row is queued here.
    /// - Throws: 401 without a valid token, 403 for a team the user is not in, 503 if the store fails.
    func begin(_ request: Request, endpoint: String, idPrefix: String) async throws(APIError) -> InferenceCall {
        let start = ContinuousClock.now
        guard let token = BearerCredential.token(fromAuthorization: request.headers[.authorization]) else {
            throw refusal(.unauthorized(AuthError.missingToken.description), endpoint: endpoint, start: start)
        }
        let team = request.headers.friendliTeam.flatMap { $0.isEmpty ? nil : $0 }
        let principal: Principal
        do throws(AuthError) {
            principal = try await authenticator.authenticate(token: token, team: team)
        } catch {
            switch error {
            case .missingToken, .invalidToken:
                throw refusal(.unauthorized(error.description), endpoint: endpoint, start: start)
            case .teamNotAllowed(_, let userID, let tokenID):
                throw refusal(
                    .forbidden(error.description), endpoint: endpoint, start: start, userID: userID, tokenID: tokenID)
            case .storeUnavailable:
                throw refusal(
                    .unavailable(error.description, retryAfterSeconds: 5), endpoint: endpoint, start: start)
            }
        }
        return InferenceCall(
            requestID: InferenceCall.makeID(prefix: idPrefix), endpoint: endpoint, principal: principal,
            start: start, ledger: ledger, metrics: metrics)
    }
}
