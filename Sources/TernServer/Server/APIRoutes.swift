import Hummingbird

/// The API's paths. Friendli Serverless paths, their OpenAI-style `/v1` aliases, and the public
/// models list and health check.
enum APIRoutes {
    /// Inference operations, each served under both prefixes.
    enum Operation: CaseIterable {
        case chatCompletions, completions, tokenize, detokenize, chatRender

        var suffix: String {
            switch self {
            case .chatCompletions: "/chat/completions"
            case .completions: "/completions"
            case .tokenize: "/tokenize"
            case .detokenize: "/detokenize"
            case .chatRender: "/chat/render"
            }
        }
    }

    static let prefixes = ["/serverless/v1", "/v1"]
    static let modelPaths = ["/v1/models", "/serverless/v1/models"]
    static let healthPath = "/health"
    static let metricsPath = "/metrics"

    /// Every path with the methods it takes (for 405 answers).
    static var table: [String: [HTTPRequest.Method]] {
        var table: [String: [HTTPRequest.Method]] = [:]
        for prefix in prefixes {
            for operation in Operation.allCases { table[prefix + operation.suffix] = [.post] }
        }
        for path in modelPaths { table[path] = [.get] }
        table[healthPath] = [.get]
        table[metricsPath] = [.get]
        return table
    }

    /// A router serving `handlers`.
    static func router(_ handlers: APIHandlers) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIErrorMiddleware(routes: table))
        for prefix in prefixes {
            for operation in Operation.allCases {
                let path = prefix + operation.suffix
                router.post(RouterPath(path)) { request, _ -> Response in
                    switch operation {
                    case .chatCompletions: await handlers.chatCompletions(request, endpoint: path)
                    case .completions: await handlers.completions(request, endpoint: path)
                    case .tokenize: await handlers.tokenize(request, endpoint: path)
                    case .detokenize: await handlers.detokenize(request, endpoint: path)
                    case .chatRender: await handlers.chatRender(request, endpoint: path)
                    }
                }
            }
        }
        for path in modelPaths {
            router.get(RouterPath(path)) { _, _ -> Response in handlers.models() }
        }
        router.get(RouterPath(healthPath)) { _, _ -> Response in handlers.health() }
        if let exposition = handlers.metrics as? any MetricsExposition {
            router.get(RouterPath(metricsPath)) { _, _ -> Response in
                let text = exposition.exposition(models: handlers.registry.all)
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
        return router
    }
}
