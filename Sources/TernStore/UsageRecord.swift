import Foundation

/// One row of the usage ledger: a single finished or failed request.
public struct UsageRecord: Sendable, Hashable {
    /// When the request finished (stored with millisecond precision).
    public var time: Date
    /// The team the request ran as; `nil` when it was refused before a team was chosen (401, or 403
    /// for a team the user is not in).
    public var teamID: Int64?
    /// The user the request ran as; `nil` when no valid token identified one (401).
    public var userID: Int64?
    /// The token that authenticated the request; `nil` when no valid token was sent (401).
    public var tokenID: Int64?
    /// The model the request named (may be empty when the body could not be parsed).
    public var model: String
    /// The endpoint path, e.g. `/serverless/v1/chat/completions`.
    public var endpoint: String
    /// Prompt tokens processed.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// Wall time from request arrival to the last byte, in milliseconds.
    public var latencyMilliseconds: Int
    /// The HTTP status code answered; 400 and above count as errors.
    public var status: Int
    /// `stop`, `length`, `tool_calls`, ... for a finished generation.
    public var finishReason: String?
    /// A short error type (e.g. `invalid_request`, `cancelled`) for a failed request.
    public var errorType: String?
    /// The request id returned to the client.
    public var requestID: String

    /// Creates a usage row.
    public init(
        time: Date, teamID: Int64?, userID: Int64?, tokenID: Int64?, model: String, endpoint: String,
        promptTokens: Int, completionTokens: Int, latencyMilliseconds: Int, status: Int,
        finishReason: String? = nil, errorType: String? = nil, requestID: String
    ) {
        self.time = time
        self.teamID = teamID
        self.userID = userID
        self.tokenID = tokenID
        self.model = model
        self.endpoint = endpoint
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencyMilliseconds = latencyMilliseconds
        self.status = status
        self.finishReason = finishReason
        self.errorType = errorType
        self.requestID = requestID
    }

    /// Creates a usage row for a request that ran as `principal` (or `nil` when authentication failed).
    public init(
        time: Date, principal: Principal?, model: String, endpoint: String, promptTokens: Int,
        completionTokens: Int, latencyMilliseconds: Int, status: Int, finishReason: String? = nil,
        errorType: String? = nil, requestID: String
    ) {
        self.init(
            time: time, teamID: principal?.teamID, userID: principal?.userID, tokenID: principal?.tokenID,
            model: model, endpoint: endpoint, promptTokens: promptTokens, completionTokens: completionTokens,
            latencyMilliseconds: latencyMilliseconds, status: status, finishReason: finishReason,
            errorType: errorType, requestID: requestID)
    }

    /// Whether the request counts as an error (HTTP status 400 or above).
    public var isError: Bool { status >= 400 }
}

/// A stored usage row with its ledger id.
public struct UsageEntry: Sendable, Hashable {
    /// The row's id in the ledger (increasing in insertion order).
    public let id: Int64
    /// The recorded values, time truncated to milliseconds.
    public let record: UsageRecord
}
