import Hummingbird

/// Outermost middleware: whatever escapes a route (an unknown path, a method the path does not
/// take, a bug) is answered in the API's error shape instead of Hummingbird's.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Path → methods it accepts, for telling 405 from 404.
    let routes: [String: [HTTPRequest.Method]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as any HTTPResponseError {
            return translate(error, request: request).response()
        } catch {
            context.logger.error("unhandled error in \(request.method) \(request.uri.path): \(error)")
            return APIError.internalError("the server failed to handle the request").response()
        }
    }

    private func translate(_ error: any HTTPResponseError, request: Request) -> APIError {
        let path = request.uri.path
        switch error.status {
        case .notFound:
            if let methods = routes[Self.normalized(path)], !methods.contains(request.method) {
                return .methodNotAllowed(
                    request.method.rawValue, path: path, allowed: methods.map(\.rawValue).joined(separator: ", "))
            }
            return .pathNotFound(path)
        case .contentTooLarge:
            return APIError(
                status: .contentTooLarge, message: "the request body is too large", type: "invalid_request_error",
                code: "request_too_large")
        default:
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            return APIError(
                status: error.status, message: message,
                type: error.status.code >= 500 ? "server_error" : "invalid_request_error")
        }
    }

    /// Paths match with or without a trailing slash, as the router does.
    static func normalized(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
