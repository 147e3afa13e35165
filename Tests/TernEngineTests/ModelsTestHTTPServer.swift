import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 for download tests: GET only, one request per
/// connection, byte ranges and `If-Range` when a route allows them, and faults on demand
/// (error statuses, a connection dropped mid-body, a stalled body).
final class ModelsTestHTTPServer: @unchecked Sendable {
    struct Route {
        var body: [UInt8]
        var status = 200
        var acceptsRanges = true
        /// A strong ETag; a request whose `If-Range` differs gets the whole body.
        var etag: String? = nil
        /// Extra response headers.
        var headers: [String: String] = [:]
        /// Close the connection after this many body bytes (Content-Length still announces all).
        var dropAfter: Int? = nil
        /// Send the headers and this many body bytes, then go silent for `stallSeconds`.
        var stallAfter: Int? = nil
        var stallSeconds: Double = 5
        /// How many requests get the fault (an error `status`, `dropAfter` or `stallAfter`);
        /// later ones are served normally.
        var faultyRequests = Int.max
    }

    struct Request {
        var path: String
        var headers: [String: String]
    }

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var routes: [String: Route] = [:]
    private var recorded: [Request] = []
    private var stopped = false

    init() throws {
        #if os(Linux)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting connections (wakes the blocked `accept`).
    func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    subscript(path: String) -> Route? {
        get { lock.withLock { routes[path] } }
        set { lock.withLock { routes[path] = newValue } }
    }

    /// Requests received so far, oldest first.
    var requests: [Request] { lock.withLock { recorded } }

    // MARK: - Serving

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            Thread { [self] in
                serve(connection)
                close(connection)
            }.start()
        }
    }

    private func serve(_ connection: Int32) {
        guard let request = readRequest(connection) else { return }
        let found: Route? = lock.withLock {
            recorded.append(request)
            guard var route = routes[request.path] else { return nil }
            if route.faultyRequests > 0 {
                routes[request.path]?.faultyRequests -= 1
            } else {
                (route.status, route.dropAfter, route.stallAfter) = (200, nil, nil)
            }
            return route
        }
        guard let route = found else {
            return respond(connection, status: 404, headers: [:], body: Array("no such file".utf8))
        }
        var headers = route.headers
        if let etag = route.etag { headers["ETag"] = etag }
        guard route.status == 200 else {
            return respond(connection, status: route.status, headers: headers, body: route.body)
        }
        let total = route.body.count
        var start = 0
        var status = 200
        if route.acceptsRanges {
            headers["Accept-Ranges"] = "bytes"
            let ifRangeMatches = request.headers["if-range"].map { $0 == route.etag } ?? true
            if let range = request.headers["range"], ifRangeMatches, let from = Self.rangeStart(range) {
                guard from < total else {
                    headers["Content-Range"] = "bytes */\(total)"
                    return respond(connection, status: 416, headers: headers, body: [])
                }
                start = from
                status = 206
                headers["Content-Range"] = "bytes \(from)-\(total - 1)/\(total)"
            }
        }
        let body = Array(route.body[start...])
        if let stallAfter = route.stallAfter {
            respond(
                connection, status: status, headers: headers, body: Array(body.prefix(stallAfter)), length: body.count)
            Thread.sleep(forTimeInterval: route.stallSeconds)
        } else if let dropAfter = route.dropAfter {
            respond(
                connection, status: status, headers: headers, body: Array(body.prefix(dropAfter)), length: body.count)
        } else {
            respond(connection, status: status, headers: headers, body: body)
        }
    }

    private func readRequest(_ connection: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !data.ends(with: Array("\r\n\r\n".utf8)) && data.count < 65536 {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            data += buffer[0..<count]
        }
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return Request(path: String(parts[1]), headers: headers)
    }

    private func respond(_ connection: Int32, status: Int, headers: [String: String], body: [UInt8], length: Int? = nil)
    {
        var head = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Status")\r\n"
        head += "Content-Length: \(length ?? body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + body
        #if os(Linux)
            let flags = Int32(MSG_NOSIGNAL)  // a client that hung up must not kill the test process
        #else
            let flags: Int32 = 0
        #endif
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, flags) }
            guard count > 0 else { return }
            sent += count
        }
    }

    /// The start of `bytes=N-` (open-ended ranges are all the downloader sends).
    private static func rangeStart(_ header: String) -> Int? {
        guard header.hasPrefix("bytes="), header.hasSuffix("-") else { return nil }
        return Int(header.dropFirst("bytes=".count).dropLast())
    }
}

extension Array where Element: Equatable {
    fileprivate func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
