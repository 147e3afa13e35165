import Foundation

extension ModelPuller {
    /// The local file for `remote`, downloading it first when absent (or when `force` is set).
    ///
    /// Bytes go to `<models>/.FILE.gguf.partial`, which survives failures so the next pull resumes
    /// with a `Range` request. The finished file is checked (announced size, GGUF magic, sha256
    /// when known) and renamed into place; a file that fails a check is removed.
    public func pull(_ remote: RemoteModel, force: Bool = false) throws(ModelPullError) -> URL {
        let destination = dataDirectory.models.appendingPathComponent(remote.fileName)
        if !force, FileManager.default.fileExists(atPath: destination.path) { return destination }
        try createModelsFolder()
        let files = PartialFiles(models: dataDirectory.models, fileName: remote.fileName)
        if force { files.remove() }

        let result = try download(remote, into: files)
        try verify(files.partial, of: remote, result, files: files)
        try Self.moveIntoPlace(files.partial, destination)
        try? FileManager.default.removeItem(at: files.validator)
        log("Stored \(destination.path)")
        return destination
    }

    /// Runs transfers until the partial file holds the whole body: network failures and timeouts
    /// are resumed up to `downloadOptions.retries` times, and a partial the server cannot extend
    /// (a 416 for a stale or oversized file, a mismatched range) is restarted from zero once.
    private func download(_ remote: RemoteModel, into files: PartialFiles) throws(ModelPullError)
        -> HTTPTransfer.Result
    {
        var failures = 0
        var restarted = false
        while true {
            let offset = try Self.fileSize(files.partial)
            log(
                offset > 0
                    ? "Resuming \(remote.fileName) after \(ModelTextFormat.bytes(offset))..."
                    : "Downloading \(remote.url.absoluteString)..."
            )
            let transfer = HTTPTransfer(
                url: remote.url, partial: files.partial, validatorFile: files.validator, fileName: remote.fileName,
                resumeFrom: offset, headers: headers(for: remote), timeout: downloadOptions.idleTimeout, log: log,
                progress: progress)
            let result: HTTPTransfer.Result
            do { result = try transfer.run() } catch {
                if Self.isTransient(error) && failures < downloadOptions.retries {
                    let delay = min(60, downloadOptions.retryDelay * Double(1 << min(failures, 16)))
                    failures += 1
                    log("\(error); retrying in \(delay) s (\(failures)/\(downloadOptions.retries))...")
                    Thread.sleep(forTimeInterval: delay)
                    continue
                }
                // A file the server no longer has cannot be resumed: drop what was kept of it.
                if case .httpStatus(404, _, _) = error { files.remove() }
                if case .httpStatus(410, _, _) = error { files.remove() }
                throw error
            }
            switch result.outcome {
            case .body:
                return result
            case .rangeNotSatisfiable(let total) where total == offset:
                return result  // the partial file already holds every byte
            case .rangeNotSatisfiable, .unexpectedRange:
                guard !restarted else {
                    throw .httpStatus(416, url: remote.url.absoluteString, detail: "the server cannot resume the file")
                }
                restarted = true
                log("The partial file does not match the server's; starting over.")
                files.remove()
            }
        }
    }

    private func verify(_ partial: URL, of remote: RemoteModel, _ result: HTTPTransfer.Result, files: PartialFiles)
        throws(ModelPullError)
    {
        let size = try Self.fileSize(partial)
        if let expected = result.totalBytes ?? result.linkedSize {
            guard size <= expected else {
                files.remove()
                throw .sizeMismatch(file: remote.fileName, expected: expected, found: size)
            }
            guard size == expected else { throw .incomplete(file: remote.fileName, received: size, expected: expected) }
        }
        let magic = try Self.firstBytes(of: partial, count: 16)
        guard magic.starts(with: Array("GGUF".utf8)) else {
            files.remove()
            throw .notGGUF(file: remote.fileName, firstBytes: magic)
        }
        guard let expected = remote.expectedSHA256 ?? result.linkedSHA256 else { return }
        log("Verifying sha256...")
        let digest = try Self.sha256(of: partial)
        guard digest == expected else {
            files.remove()
            throw .checksumMismatch(file: remote.fileName, expected: expected, found: digest)
        }
    }

    /// Failures worth resuming after a pause: the network, a stall, or a server error (5xx).
    private static func isTransient(_ error: ModelPullError) -> Bool {
        switch error {
        case .network, .timedOut: true
        case .httpStatus(let status, _, _): status >= 500
        default: false
        }
    }

    private func headers(for remote: RemoteModel) -> [String: String] {
        var headers = ["User-Agent": "tern"]
        if remote.isHuggingFace, let token = downloadOptions.huggingFaceToken {
            headers["Authorization"] = "Bearer \(token)"
        }
        return headers
    }

    static func firstBytes(of url: URL, count: Int) throws(ModelPullError) -> [UInt8] {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            return Array(try handle.read(upToCount: count) ?? Data())
        } catch {
            throw .fileSystem("cannot read \(url.path): \(error)")
        }
    }
}

/// The hidden files of an unfinished download, next to where the model will be placed.
struct PartialFiles {
    /// `.FILE.gguf.partial`: the bytes received so far.
    let partial: URL
    /// `.FILE.gguf.partial.validator`: the ETag or Last-Modified those bytes came with.
    let validator: URL

    init(models: URL, fileName: String) {
        partial = models.appendingPathComponent(".\(fileName).partial")
        validator = models.appendingPathComponent(".\(fileName).partial.validator")
    }

    func remove() {
        try? FileManager.default.removeItem(at: partial)
        try? FileManager.default.removeItem(at: validator)
    }
}
