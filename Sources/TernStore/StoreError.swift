import Foundation

/// Failures of the store's management and ledger operations.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database file could not be opened or migrated.
    case cannotOpen(path: String, reason: String)
    /// A team, user or token name breaks the naming rules.
    case invalidName(kind: String, name: String, reason: String)
    /// No team has this id or name.
    case teamNotFound(String)
    /// No user has this name.
    case userNotFound(String)
    /// No token has this id.
    case tokenNotFound(Int64)
    /// A team with this name already exists.
    case teamAlreadyExists(String)
    /// The user is not a member of the team (e.g. when making it their default).
    case userNotInTeam(user: String, team: String)
    /// A token's expiry must lie in the future.
    case expiryNotInFuture(Date)
    /// SQLite failed; the message names the underlying error.
    case database(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the store at '\(path)': \(reason)"
        case .invalidName(let kind, let name, let reason):
            "invalid \(kind) name '\(name)': \(reason)"
        case .teamNotFound(let team):
            "no team with id or name '\(team)'"
        case .userNotFound(let user):
            "no user named '\(user)'"
        case .tokenNotFound(let id):
            "no token with id \(id)"
        case .teamAlreadyExists(let name):
            "a team named '\(name)' already exists"
        case .userNotInTeam(let user, let team):
            "user '\(user)' is not a member of team '\(team)'"
        case .expiryNotInFuture(let date):
            "token expiry \(date) is not in the future"
        case .database(let reason):
            "database error: \(reason)"
        }
    }
}
