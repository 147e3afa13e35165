/// Request and token counts over a set of usage rows.
public struct UsageTotals: Sendable, Hashable {
    /// Number of requests.
    public var requests: Int
    /// Sum of prompt tokens.
    public var promptTokens: Int
    /// Sum of generated tokens.
    public var completionTokens: Int
    /// Requests answered with HTTP status 400 or above.
    public var errors: Int

    /// Creates totals; `.zero` is the empty sum.
    public init(requests: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0, errors: Int = 0) {
        self.requests = requests
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.errors = errors
    }

    /// No requests.
    public static let zero = UsageTotals()

    /// Prompt plus completion tokens.
    public var totalTokens: Int { promptTokens + completionTokens }

    static func + (lhs: UsageTotals, rhs: UsageTotals) -> UsageTotals {
        UsageTotals(
            requests: lhs.requests + rhs.requests, promptTokens: lhs.promptTokens + rhs.promptTokens,
            completionTokens: lhs.completionTokens + rhs.completionTokens, errors: lhs.errors + rhs.errors)
    }
}

/// Usage of one model within a team's summary.
public struct ModelUsage: Sendable, Hashable {
    /// The model name as requested.
    public let model: String
    /// Counts for this model.
    public let totals: UsageTotals
}

/// One team's usage over a time range, with a breakdown by model.
public struct UsageSummary: Sendable, Hashable {
    /// The team; `nil` for requests refused before a team was chosen (401, 403).
    public let teamID: Int64?
    /// The team's name; `nil` with `teamID` (or if the team row is gone).
    public let teamName: String?
    /// Counts over all models.
    public let totals: UsageTotals
    /// Counts per model, sorted by model name.
    public let byModel: [ModelUsage]
}
