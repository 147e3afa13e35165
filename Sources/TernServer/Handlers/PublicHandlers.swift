import Hummingbird

extension APIHandlers {
    /// `GET /v1/models`: the served models (public).
    func models() -> Response {
        let response =
            (try? WireJSON.response(ModelListWire(models: registry.all))) ?? Response(status: .internalServerError)
        metrics.requestFinished(endpoint: "/v1/models", model: nil, status: Int(response.status.code), seconds: 0)
        return response
    }

    /// `GET /health`: 200 once every configured model has loaded (or loading ended with at least
    /// one servable), 503 while loading or if none could be loaded.
    func health() -> Response {
        let names = registry.all.map(\.description.name)
        let ready = registry.isReady
        let wire = HealthWire(status: ready ? "ok" : registry.isLoading ? "loading" : "no_model", models: names)
        var headers = HTTPFields()
        if !ready { headers[.retryAfter] = "5" }
        return (try? WireJSON.response(wire, status: ready ? .ok : .serviceUnavailable, headers: headers))
            ?? Response(status: .internalServerError)
    }
}
