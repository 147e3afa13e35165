/// Why a request could not be authenticated.
///
/// The cases map to HTTP answers: ``missingToken`` and ``invalidToken`` to 401,
/// ``teamNotAllowed(_:userID:tokenID:)`` to 403, ``storeUnavailable(_:)`` to 503.
public enum AuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request carried no token (no `Authorization` header, or an empty credential).
    case missingToken
    /// The token is unknown, malformed, revoked or expired. One case on purpose: callers must not
    /// learn which of these it was.
    case invalidToken
    /// The token is valid but `X-Friendli-Team` names a team the user does not belong to (or that
    /// does not exist: the answer is the same, so team names do not leak).
    ///
    /// The token was valid, so the refusal names its owner and the token itself: the server writes
    /// the refused request's usage row for them. Both are `nil` when an authenticator cannot tell.
    case teamNotAllowed(String, userID: Int64? = nil, tokenID: Int64? = nil)
    /// The store could not be read; the message names the underlying failure.
    case storeUnavailable(String)

    public var description: String {
        switch self {
        case .missingToken:
            "missing API token: send 'Authorization: Bearer flp_...'"
        case .invalidToken:
            "invalid API token: it is unknown, revoked or expired"
        case .teamNotAllowed(let team, _, _):
            "team '\(team)' is not one of this user's teams"
        case .storeUnavailable(let reason):
            "the token store is unavailable: \(reason)"
        }
    }
}
