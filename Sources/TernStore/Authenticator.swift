import Foundation

/// Turns a bearer token and an optional team selector into a ``Principal``.
///
/// The server depends on this protocol, not on ``TernStore``, so its tests can swap in a fake.
public protocol Authenticator: Sendable {
    /// Authenticates one request.
    ///
    /// - Parameters:
    ///   - token: The bearer credential as sent (`flp_...`); empty means none was sent.
    ///   - team: The `X-Friendli-Team` header value (a team id or name), or `nil` to use the
    ///     user's default team.
    /// - Returns: The user, team and token the request runs as.
    /// - Throws: ``AuthError``.
    func authenticate(token: String, team: String?) async throws(AuthError) -> Principal
}

/// Reads the credential out of an `Authorization` header value.
public enum BearerCredential {
    /// Returns the token of a `Bearer <token>` header value (scheme matched case-insensitively,
    /// surrounding whitespace ignored), or `nil` when the value is absent, empty or uses another scheme.
    ///
    /// ```swift
    /// BearerCredential.token(fromAuthorization: "Bearer flp_abc")  // "flp_abc"
    /// ```
    public static func token(fromAuthorization header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        let scheme = "bearer"
        guard trimmed.count > scheme.count, trimmed.prefix(scheme.count).lowercased() == scheme else { return nil }
        let rest = trimmed.dropFirst(scheme.count)
        guard let separator = rest.first, separator == " " || separator == "\t" else { return nil }
        let credential = rest.trimmingCharacters(in: .whitespaces)
        return credential.isEmpty ? nil : credential
    }
}
