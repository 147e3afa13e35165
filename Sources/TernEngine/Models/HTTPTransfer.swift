import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP GET streamed into a partial file: appended when the server resumes (206), rewritten
/// from the start when it sends the whole body (200).
///
/// Synchronous: `run()` blocks its caller until the transfer ends; URLSession calls the delegate
/// methods on a private serial queue. `@unchecked Sendable` because the mutable state is only
/// touched from that queue, and read by `run()` after the semaphore has ordered it.
final class HTTPTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// How the server answered a request that reached the body (or did not need to).
    enum Outcome: Equatable {
        /// The body was received to its end; `resumed` when it was appended to earlier bytes.
        case body(resumed: Bool)
        /// 416: nothing to send from the requested offset; `total` from `Content-Range: bytes */N`.
        case rangeNotSatisfiable(total: Int?)
        /// 206 for another range than the one asked for.
        case unexpectedRange
    }

    struct Result: Equatable {
        var outcome: Outcome
        /// The full size of the file, from Content-Range or Content-Length.
        var totalBytes: Int?
        /// The sha256 Hugging Face reports for LFS files (`X-Linked-Etag`), from any response in the chain.
        var linkedSHA256: String?
        /// The size Hugging Face reports for LFS files (`X-Linked-Size`).
        var linkedSize: Int?
    }

    private let url: URL
    private let partial: URL
    private let validatorFile: URL
    private let fileName: String
    private let resumeFrom: Int
    private let headers: [String: String]
    private let timeout: TimeInterval
    private let log: @Sendable (String) -> Void
    private let progress: (@Sendable (DownloadProgress) -> Void)?
    private let finished = DispatchSemaphore(value: 0)

    // Delegate-queue state.
    private var handle: FileHandle?
    private var result = Result(outcome: .body(resumed: false))
    private var failure: ModelPullError?
    private var startOffset = 0
    private var written = 0
    private var started = Date()
    private var lastReport = Date.distantPast

    /// - Parameters:
    ///   - partial: the file to write; its current size is where the transfer resumes.
    ///   - validatorFile: holds the ETag (or Last-Modified) of the bytes in `partial`, sent as
    ///     `If-Range` so a file that changed on the server is sent whole instead of spliced.
    init(
        url: URL, partial: URL, validatorFile: URL, fileName: String, resumeFrom: Int, headers: [String: String],
        timeout: TimeInterval, log: @escaping @Sendable (String) -> Void,
        progress: (@Sendable (DownloadProgress) -> Void)?
    ) {
        self.url = url
        self.partial = partial
        self.validatorFile = validatorFile
        self.fileName = fileName
        self.resumeFrom = resumeFrom
        self.headers = headers
        self.timeout = timeout
        self.log = log
        self.progress = progress
    }

    /// Runs the transfer to its end.
    func run() throws(ModelPullError) -> Result {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = 7 * 24 * 3600
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }

        var request = URLRequest(url: url)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        // Compressed bodies would make Content-Length and byte ranges refer to other bytes.
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        if resumeFrom > 0 {
            request.setValue("bytes=\(resumeFrom)-", forHTTPHeaderField: "Range")
            if let validator = try? String(contentsOf: validatorFile, encoding: .utf8), !validator.isEmpty {
                request.setValue(validator, forHTTPHeaderField: "If-Range")
            }
        }
        started = Date()
        session.dataTask(with: request).resume()
        finished.wait()
        try? handle?.close()
        if let failure { throw failure }
        return result
    }

    // MARK: - URLSessionDataDelegate

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        noteLinkedHeaders(response)
        var redirected = request
        let original = task.originalRequest
        for name in ["Range", "If-Range", "Accept-Encoding"] {
            redirected.setValue(original?.value(forHTTPHeaderField: name), forHTTPHeaderField: name)
        }
        // Credentials are for the host they were given for, not for wherever it redirects.
        if request.url?.host?.lowercased() != original?.url?.host?.lowercased() {
            redirected.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        completionHandler(redirected)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        guard let http = response as? HTTPURLResponse else {
            failure = .network(url: url.absoluteString, message: "the answer is not HTTP", partialBytes: resumeFrom)
            return completionHandler(.cancel)
        }
        noteLinkedHeaders(http)
        let contentRange = http.value(forHTTPHeaderField: "Content-Range").flatMap(ContentRange.init)
        switch http.statusCode {
        case 206:
            guard resumeFrom > 0, let contentRange, contentRange.start == resumeFrom else {
                result.outcome = .unexpectedRange
                return completionHandler(.cancel)
            }
            result.outcome = .body(resumed: true)
            result.totalBytes = contentRange.total
            startWriting(at: resumeFrom, completionHandler)
        case 200..<300:
            if resumeFrom > 0 { log("The server sent the whole file; starting over.") }
            result.outcome = .body(resumed: false)
            result.totalBytes = http.expectedContentLength >= 0 ? Int(http.expectedContentLength) : nil
            saveValidator(of: http)
            startWriting(at: 0, completionHandler)
        case 416:
            result.outcome = .rangeNotSatisfiable(total: contentRange?.total)
            result.totalBytes = contentRange?.total
            completionHandler(.cancel)
        default:
            let detail = http.value(forHTTPHeaderField: "X-Error-Message")
            failure = .httpStatus(http.statusCode, url: url.absoluteString, detail: detail)
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let handle, failure == nil else { return }
        do { try handle.write(contentsOf: data) } catch {
            failure = .fileSystem("cannot write \(partial.path): \(error)")
            dataTask.cancel()
            return
        }
        written += data.count
        let now = Date()
        if now.timeIntervalSince(lastReport) >= 0.1 {
            lastReport = now
            report(finished: false)
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, willCacheResponse proposedResponse: CachedURLResponse,
        completionHandler: @escaping @Sendable (CachedURLResponse?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        defer { finished.signal() }
        if handle != nil { report(finished: true) }
        // The task is cancelled only here, after recording a failure or a bodiless outcome; keep it.
        guard failure == nil, let error, (error as? URLError)?.code != .cancelled else { return }
        let kept = handle != nil ? startOffset + written : resumeFrom
        failure = Self.classify(error, url: url, timeout: timeout, partialBytes: kept)
    }

    // MARK: - Helpers

    private func startWriting(
        at offset: Int, _ completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        do {
            if !FileManager.default.fileExists(atPath: partial.path),
                !FileManager.default.createFile(atPath: partial.path, contents: nil)
            {
                throw CocoaError(.fileWriteUnknown)
            }
            let file = try FileHandle(forWritingTo: partial)
            try file.truncate(atOffset: UInt64(offset))
            try file.seek(toOffset: UInt64(offset))
            handle = file
            startOffset = offset
            completionHandler(.allow)
        } catch {
            failure = .fileSystem("cannot write \(partial.path): \(error)")
            completionHandler(.cancel)
        }
    }

    /// Keeps the response's validator for a later `If-Range`: a strong ETag, else Last-Modified
    /// (weak ETags may not be used for ranges).
    private func saveValidator(of response: HTTPURLResponse) {
        let etag = response.value(forHTTPHeaderField: "ETag").flatMap { $0.hasPrefix("W/") ? nil : $0 }
        guard let validator = etag ?? response.value(forHTTPHeaderField: "Last-Modified") else {
            try? FileManager.default.removeItem(at: validatorFile)
            return
        }
        try? validator.write(to: validatorFile, atomically: true, encoding: .utf8)
    }

    private func noteLinkedHeaders(_ response: HTTPURLResponse) {
        if let etag = response.value(forHTTPHeaderField: "X-Linked-Etag") {
            let digest = etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
            if digest.count == 64, digest.allSatisfy(\.isHexDigit) { result.linkedSHA256 = digest }
        }
        if let size = response.value(forHTTPHeaderField: "X-Linked-Size").flatMap({ Int($0) }) {
            result.linkedSize = size
        }
    }

    private func report(finished: Bool) {
        progress?(
            DownloadProgress(
                fileName: fileName, receivedBytes: startOffset + written, totalBytes: result.totalBytes,
                resumedFrom: startOffset, elapsed: Date().timeIntervalSince(started), isFinished: finished))
    }

    private static func classify(_ error: any Error, url: URL, timeout: TimeInterval, partialBytes: Int)
        -> ModelPullError
    {
        let address = url.absoluteString
        guard let urlError = error as? URLError else {
            return .network(url: address, message: "\(error)", partialBytes: partialBytes)
        }
        let message: String
        switch urlError.code {
        case .timedOut: return .timedOut(url: address, seconds: timeout, partialBytes: partialBytes)
        case .cannotFindHost, .dnsLookupFailed: message = "cannot resolve the host name"
        case .cannotConnectToHost: message = "cannot connect to the host"
        case .networkConnectionLost: message = "the connection was lost"
        case .notConnectedToInternet: message = "not connected to the network"
        case .secureConnectionFailed: message = "the TLS handshake failed"
        case .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
            .serverCertificateHasUnknownRoot:
            message = "the server's TLS certificate is not trusted"
        case .badServerResponse: message = "the server's answer was malformed"
        case .httpTooManyRedirects: message = "too many redirects"
        default: message = "URL error \(urlError.code.rawValue): \(urlError.localizedDescription)"
        }
        return .network(url: address, message: message, partialBytes: partialBytes)
    }
}

/// `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`), or `bytes */TOTAL` on a 416.
struct ContentRange: Equatable {
    var start: Int?
    var end: Int?
    var total: Int?

    init?(_ header: String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = trimmed.dropFirst("bytes ".count).split(separator: "/", maxSplits: 1).map(String.init)
        guard spec.count == 2 else { return nil }
        total = spec[1] == "*" ? nil : Int(spec[1])
        if spec[0] != "*" {
            let bounds = spec[0].split(separator: "-", maxSplits: 1).compactMap { Int($0) }
            guard bounds.count == 2, bounds[0] <= bounds[1] else { return nil }
            start = bounds[0]
            end = bounds[1]
        }
    }
}
