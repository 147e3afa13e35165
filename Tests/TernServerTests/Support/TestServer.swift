import Foundation
import Hummingbird
import HummingbirdTesting
import TernEngine
import TernServer
import TernStore

/// Accepts `Bearer good` (team "main" by default, or team "side"), refuses everything else.
struct FakeAuthenticator: Authenticator {
    static let user = Principal(userID: 7, userName: "ada", teamID: 70, teamName: "main", tokenID: 700)
    static let sideTeam = Principal(userID: 7, userName: "ada", teamID: 71, teamName: "side", tokenID: 700)

    func authenticate(token: String, team: String?) async throws(AuthError) -> Principal {
        guard token == "good" else { throw .invalidToken }
        switch team {
        case nil, "main": return Self.user
        case "side": return Self.sideTeam
        case let other?: throw .teamNotAllowed(other)
        }
    }
}

/// Keeps every usage row in memory.
final class RecordingUsage: UsageRecorder, @unchecked Sendable {
    // Sendable: `rows` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: [UsageRecord] = []

    func record(_ row: UsageRecord) async {
        lock.withLock { stored.append(row) }
    }

    var rows: [UsageRecord] { lock.withLock { stored } }
}

/// A server over fake models, plus helpers to call it.
struct TestServer {
    let server: TernServerApplication
    let usage = RecordingUsage()

    init(
        models: [any ServedModel] = [FakeModel()], configuration: ServerConfiguration = ServerConfiguration(),
        metrics: any ServerMetrics = DiscardingServerMetrics()
    ) {
        server = TernServerApplication(
            configuration: configuration, registry: ModelRegistry(models: models),
            authenticator: FakeAuthenticator(), usage: usage, metrics: metrics)
    }

    init(registry: ModelRegistry, configuration: ServerConfiguration = ServerConfiguration()) {
        server = TernServerApplication(
            configuration: configuration, registry: registry, authenticator: FakeAuthenticator(), usage: usage)
    }

    /// Runs `body` against the router (no sockets).
    func test<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await server.makeApplication().test(.router, body)
    }

    /// Usage rows after every pending one is written.
    func usageRows() async -> [UsageRecord] {
        await server.flushUsage()
        return usage.rows
    }
}

/// Headers of an authenticated JSON request.
func authorized(token: String = "good", team: String? = nil) -> HTTPFields {
    var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
    if let team {
        headers[.init("X-Friendli-Team")!] = team
    }
    return headers
}

extension TestClientProtocol {
    /// POSTs `json` to `uri`.
    func post(_ uri: String, json: String, headers: HTTPFields = authorized()) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }
}

extension TestResponse {
    /// The body parsed as a JSON object.
    var json: [String: Any] {
        get throws {
            let value = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
            guard let object = value as? [String: Any] else { throw TestFailure("body is not a JSON object: \(text)") }
            return object
        }
    }

    var text: String { String(buffer: body) }

    /// The `data:` payloads of a server-sent-event body, in order (`[DONE]` included as text).
    var events: [String] {
        text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
            event.hasPrefix("data: ") ? String(event.dropFirst(6)) : "MALFORMED:" + event
        }
    }

    /// The JSON event payloads (everything but `[DONE]`).
    var eventObjects: [[String: Any]] {
        get throws {
            try events.filter { $0 != "[DONE]" }.map { event in
                guard let object = try JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any] else {
                    throw TestFailure("event is not a JSON object: \(event)")
                }
                return object
            }
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reads `object[path...]` through nested objects and arrays.
func value(_ object: Any?, _ path: Any...) -> Any? {
    var current = object
    for key in path {
        switch key {
        case let name as String: current = (current as? [String: Any])?[name]
        case let index as Int:
            guard let array = current as? [Any], array.indices.contains(index) else { return nil }
            current = array[index]
        default: return nil
        }
    }
    return current
}
