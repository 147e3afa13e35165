import Hummingbird

/// An error answered to an API client: an HTTP status plus a JSON body that carries both a
/// top-level `message` (what Friendli clients read) and an OpenAI-style
/// `error{message, type, param, code}` (what OpenAI clients read).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: HTTPResponse.Status
    /// A sentence naming what is wrong, shown to the user.
    public var message: String
    /// The OpenAI error category, e.g. `invalid_request_error`.
    public var type: String
    /// The request field at fault, e.g. `messages[0].content`.
    public var param: String?
    /// A short machine-readable reason, e.g. `model_not_found`.
    public var code: String?
    /// Sent as `Retry-After` (seconds) when the client should try again later.
    public var retryAfterSeconds: Int?

    /// Creates an error; prefer the named constructors below.
    public init(
        status: HTTPResponse.Status, message: String, type: String, param: String? = nil, code: String? = nil,
        retryAfterSeconds: Int? = nil
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status.code) \(type): \(message)" }

    /// 400: the body is not JSON or a field has the wrong type.
    public static func badRequest(_ message: String, param: String? = nil) -> APIError {
        APIError(
            status: .badRequest, message: message, type: "invalid_request_error", param: param, code: "bad_request")
    }

    /// 422: the body is well-formed but a value is out of range, missing or inconsistent.
    public static func invalid(_ message: String, param: String? = nil, code: String = "invalid_value") -> APIError {
        APIError(
            status: .unprocessableContent, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// 422: a feature the API documents but this server does not implement yet.
    public static func unsupported(_ message: String, param: String) -> APIError {
        APIError(
            status: .unprocessableContent, message: message, type: "invalid_request_error", param: param,
            code: "not_supported")
    }

    /// 401: no usable credential.
    public static func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, message: message, type: "authentication_error", code: "invalid_api_key")
    }

    /// 403: the credential is valid but may not do this.
    public static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, message: message, type: "permission_error", code: "forbidden")
    }

    /// 404: the named model is not served here.
    public static func modelNotFound(_ name: String, available: [String]) -> APIError {
        let list = available.isEmpty ? "none is loaded" : "available: \(available.joined(separator: ", "))"
        return APIError(
            status: .notFound, message: "model '\(name)' does not exist on this server (\(list))",
            type: "invalid_request_error", param: "model", code: "model_not_found")
    }

    /// 404: no route has this path.
    public static func pathNotFound(_ path: String) -> APIError {
        APIError(
            status: .notFound, message: "no API endpoint at '\(path)'", type: "invalid_request_error",
            code: "not_found")
    }

    /// 405: the path exists but not for this method.
    public static func methodNotAllowed(_ method: String, path: String, allowed: String) -> APIError {
        APIError(
            status: .methodNotAllowed, message: "'\(path)' does not accept \(method); use \(allowed)",
            type: "invalid_request_error", code: "method_not_allowed")
    }

    /// 413: the body is larger than the configured limit.
    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            status: .contentTooLarge, message: "the request body is larger than the limit of \(limit) bytes",
            type: "invalid_request_error", code: "request_too_large")
    }

    /// 429: the engine's queue is full.
    public static func busy(_ message: String, retryAfterSeconds: Int) -> APIError {
        APIError(
            status: .tooManyRequests, message: message, type: "rate_limit_error", code: "queue_full",
            retryAfterSeconds: max(1, retryAfterSeconds))
    }

    /// 503: the server cannot take requests right now (loading or shutting down).
    public static func unavailable(_ message: String, retryAfterSeconds: Int? = nil) -> APIError {
        APIError(
            status: .serviceUnavailable, message: message, type: "server_error", code: "service_unavailable",
            retryAfterSeconds: retryAfterSeconds)
    }

    /// 500: a bug in the server.
    public static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, message: message, type: "server_error", code: "internal_error")
    }
}
