import Foundation
import Hummingbird
import HummingbirdTesting
import TernEngine
import TernServer
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct CancellationTests {
    /// A model that would talk for a long time.
    static func chatterbox() -> FakeModel {
        FakeModel(tokenDelay: .milliseconds(10)) { _ in Array(repeating: FakeTokenizer.hello, count: 40) }
    }

    @Test func aClientThatDisconnectsMidStreamCancelsTheGeneration() async throws {
        let model = Self.chatterbox()
        let server = TestServer(models: [model])
        try await server.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let body = #"{"messages":[{"role":"user","content":"hi"}],"stream":true}"#
            let request =
                "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer good\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let received = try RawConnection.exchange(port: port, request: request, until: "data: {")
            #expect(received.contains("200 OK"))
            try await waitUntil { model.cancelledCount == 1 }
        }
        let rows = await server.usageRows()
        #expect(rows.map(\.status) == [499])
        #expect(rows.first?.errorType == "cancelled")
        #expect(rows.first?.completionTokens ?? 0 < 40)
    }

    @Test func aClientThatDisconnectsBeforeANonStreamingAnswerCancelsToo() async throws {
        let model = Self.chatterbox()
        let server = TestServer(models: [model])
        try await server.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let body = #"{"prompt":"Hello","n":2}"#
            let request =
                "POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer good\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            try RawConnection.send(port: port, request: request, thenWait: .milliseconds(60))
            try await waitUntil { model.cancelledCount == 2 }
        }
        #expect(await server.usageRows().map(\.status) == [499])
    }

    @Test func cancellingTheRequestTaskCancelsTheGeneration() async throws {
        let model = Self.chatterbox()
        let server = TestServer(models: [model])
        try await server.test { client in
            let task = Task {
                try await client.post(
                    "/v1/chat/completions", json: #"{"messages":[{"role":"user","content":"hi"}],"stream":true}"#)
            }
            try await waitUntil { model.received.count == 1 }
            try await Task.sleep(for: .milliseconds(30))
            task.cancel()
            _ = try? await task.value
            try await waitUntil { model.cancelledCount == 1 }
        }
    }

    @Test func shutdownShutsTheModelsDownAndFlushesUsage() async throws {
        let model = FakeModel()
        let server = TestServer(models: [model])
        try await server.test { client in
            _ = try await client.post("/v1/completions", json: #"{"prompt":"Hello"}"#)
        }
        await server.server.shutdown()
        #expect(model.isShutDown)
        #expect(server.usage.rows.count == 1)
    }
}

/// A plain TCP client, so a test can hang up in the middle of a response.
enum RawConnection {
    /// Sends `request`, reads until `marker` appears, then closes the socket; returns what was read.
    static func exchange(port: Int, request: String, until marker: String) throws -> String {
        let socket = try connect(port: port)
        defer { close(socket) }
        try write(socket, request)
        var received = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(marker) {
            let count = read(socket, &buffer, buffer.count)
            guard count > 0 else { throw TestFailure("connection ended before '\(marker)': \(received)") }
            received += String(decoding: buffer[..<count], as: UTF8.self)
        }
        return received
    }

    /// Sends `request`, waits, then closes the socket without reading.
    static func send(port: Int, request: String, thenWait delay: Duration) throws {
        let socket = try connect(port: port)
        defer { close(socket) }
        try write(socket, request)
        Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds))
    }

    private static func connect(port: Int) throws -> Int32 {
        #if canImport(Glibc)
            let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let socket = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw TestFailure("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemConnect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socket)
            throw TestFailure("connect() to port \(port) failed")
        }
        return socket
    }

    private static func write(_ socket: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { systemWrite(socket, $0.baseAddress, $0.count) }
            guard count > 0 else { throw TestFailure("write() failed") }
            sent += count
        }
    }
}

// The C calls under other names: inside `RawConnection` the plain names mean its own methods.
private func systemConnect(_ socket: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(socket, address, length)
}

private func systemWrite(_ socket: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(socket, bytes, count)
}
