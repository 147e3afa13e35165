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

    /// Answers a request refused before authentication finished (no usage row: there is no one
    /// to bill, and unauthenticated clients must not be able to fill the ledger).
    func refuse(_ error: APIError, endpoint: String) -> Response {
        metrics.requestFinished(endpoint: endpoint, model: nil, status: Int(error.status.code), seconds: 0)
        return error.response()
    }
}
