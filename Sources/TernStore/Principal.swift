/// Who a request runs as: the token's user, acting for one of the user's teams.
///
/// Produced by ``Authenticator/authenticate(token:team:)``; the server keeps it in the request
/// context and copies its ids into the ``UsageRecord`` it writes when the request ends.
public struct Principal: Sendable, Hashable {
    /// The id of the user the token belongs to.
    public let userID: Int64
    /// The user's unique name.
    public let userName: String
    /// The team the request runs as (picked by `X-Friendli-Team`, else the user's default team).
    public let teamID: Int64
    /// The name of that team.
    public let teamName: String
    /// The id of the token that authenticated the request.
    public let tokenID: Int64

    /// Creates a principal; the store builds these, tests and fakes may too.
    public init(userID: Int64, userName: String, teamID: Int64, teamName: String, tokenID: Int64) {
        self.userID = userID
        self.userName = userName
        self.teamID = teamID
        self.teamName = teamName
        self.tokenID = tokenID
    }
}
