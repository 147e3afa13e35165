import Foundation
import Testing

@testable import TernEngine

/// URL pulls against a local HTTP server: placement, resume, restart, verification and errors.
@Suite(.serialized) struct ModelsDownloadTests {
    let server: ModelsTestHTTPServer
    let scratch = ModelsTestFiles.scratchDirectory()
    var directory: DataDirectory { scratch.directory }
    let model = ModelsTestFiles.tinyModel()

    init() throws {
        server = try ModelsTestHTTPServer()
    }

    private func puller(
        retries: Int = 0, timeout: TimeInterval = 10, progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) -> ModelPuller {
        ModelPuller(
            dataDirectory: directory,
            downloadOptions: DownloadOptions(idleTimeout: timeout, retries: retries, retryDelay: 0.05),
            progress: progress)
    }

    private func remote(_ path: String = "/files/tiny.gguf", sha256: String? = nil) throws -> RemoteModel {
        try RemoteModel(server.url(path).absoluteString, sha256: sha256)
    }

    private var partial: URL { directory.models.appendingPathComponent(".tiny.gguf.partial") }
    private var validator: URL { directory.models.appendingPathComponent(".tiny.gguf.partial.validator") }
    private var destination: URL { directory.models.appendingPathComponent("tiny.gguf") }

    @Test func downloadsVerifiesAndPlacesTheFile() throws {
        server["/files/tiny.gguf"] = .init(body: model, etag: "\"v1\"")
        let reports = Reports()
        let reference = try remote(sha256: ModelsTestFiles.sha256(model).uppercased())
        let url = try puller(progress: { reports.add($0) }).pull(reference)
        #expect(url == destination)
        #expect(reference.name == "tiny")
        #expect(try ModelsTestFiles.read(url) == model)
        #expect(ModelsTestFiles.contents(directory) == ["tiny.gguf"])
        let last = try #require(reports.all.last)
        #expect(last.isFinished && last.receivedBytes == model.count && last.totalBytes == model.count)
        #expect(server.requests.count == 1 && server.requests[0].headers["range"] == nil)
    }

    @Test func resumesAPartialFileWithARangeRequest() throws {
        server["/files/tiny.gguf"] = .init(body: model, etag: "\"v1\"")
        try ModelsTestFiles.write(Array(model.prefix(50_000)), to: partial)
        try "\"v1\"".write(to: validator, atomically: true, encoding: .utf8)
        let url = try puller().pull(try remote())
        #expect(try ModelsTestFiles.read(url) == model)
        let request = try #require(server.requests.last)
        #expect(request.headers["range"] == "bytes=50000-")
        #expect(request.headers["if-range"] == "\"v1\"")
        #expect(ModelsTestFiles.contents(directory) == ["tiny.gguf"])
    }

    @Test func keepsWhatADroppedConnectionDeliveredAndResumesFromIt() throws {
        server["/files/tiny.gguf"] = .init(body: model, etag: "\"v1\"", dropAfter: 40_000, faultyRequests: 1)
        #expect {
            try puller().pull(try remote())
        } throws: { error in
            guard case .network(_, _, let kept) = error as? ModelPullError else { return false }
            return kept == 40_000
        }
        #expect(try ModelsTestFiles.read(partial).count == 40_000)
        #expect(!FileManager.default.fileExists(atPath: destination.path))

        let url = try puller().pull(try remote())
        #expect(try ModelsTestFiles.read(url) == model)
        #expect(server.requests.last?.headers["range"] == "bytes=40000-")
        #expect(server.requests.last?.headers["if-range"] == "\"v1\"")
    }

    @Test func retriesAutomaticallyAfterADropAndAServerError() throws {
        server["/files/tiny.gguf"] = .init(body: model, dropAfter: 30_000, faultyRequests: 1)
        server["/files/other.gguf"] = .init(body: model, status: 503, faultyRequests: 1)
        let url = try puller(retries: 1).pull(try remote())
        #expect(try ModelsTestFiles.read(url) == model)
        #expect(server.requests.map { $0.headers["range"] } == [nil, "bytes=30000-"])
        let other = try puller(retries: 1).pull(try remote("/files/other.gguf"))
        #expect(try ModelsTestFiles.read(other) == model)
    }

    @Test func restartsCleanlyWhenTheServerIgnoresRanges() throws {
        server["/files/tiny.gguf"] = .init(body: model, acceptsRanges: false)
        try ModelsTestFiles.write([UInt8](repeating: 0xAB, count: 60_000), to: partial)
        let url = try puller().pull(try remote())
        #expect(server.requests.first?.headers["range"] == "bytes=60000-")
        #expect(try ModelsTestFiles.read(url) == model)
    }

    @Test func restartsWhenTheFileChangedOnTheServer() throws {
        server["/files/tiny.gguf"] = .init(body: model, etag: "\"v2\"")
        try ModelsTestFiles.write([UInt8](repeating: 0xCD, count: 60_000), to: partial)
        try "\"v1\"".write(to: validator, atomically: true, encoding: .utf8)
        let url = try puller().pull(try remote())
        #expect(try ModelsTestFiles.read(url) == model)
        #expect(ModelsTestFiles.contents(directory) == ["tiny.gguf"])
    }

    @Test func aCompletePartialAnswered416IsPlacedWithoutDownloadingAgain() throws {
        server["/files/tiny.gguf"] = .init(body: model)
        try ModelsTestFiles.write(model, to: partial)
        let url = try puller().pull(try remote(sha256: ModelsTestFiles.sha256(model)))
        #expect(try ModelsTestFiles.read(url) == model)
        #expect(server.requests.map { $0.headers["range"] } == ["bytes=\(model.count)-"])
    }

    @Test func anOversizedPartialAnswered416StartsOver() throws {
        server["/files/tiny.gguf"] = .init(body: model)
        try ModelsTestFiles.write(model + [1, 2, 3], to: partial)
        let url = try puller().pull(try remote())
        #expect(try ModelsTestFiles.read(url) == model)
        #expect(server.requests.map { $0.headers["range"] } == ["bytes=\(model.count + 3)-", nil])
    }

    @Test func redirectsKeepTheRangeAndTheLinkedChecksumIsChecked() throws {
        server["/files/tiny.gguf"] = .init(body: model)
        let linked = ["Location": server.url("/files/tiny.gguf").absoluteString]
        server["/resolve/tiny.gguf"] = .init(
            body: [], status: 302,
            headers: linked.merging(["X-Linked-Etag": "\"\(ModelsTestFiles.sha256(model))\""]) { $1 })
        try ModelsTestFiles.write(Array(model.prefix(1000)), to: partial)
        let url = try puller().pull(try remote("/resolve/tiny.gguf"))
        #expect(try ModelsTestFiles.read(url) == model)
        #expect(server.requests.map(\.path) == ["/resolve/tiny.gguf", "/files/tiny.gguf"])
        #expect(server.requests.map { $0.headers["range"] } == ["bytes=1000-", "bytes=1000-"])

        let wrong = String(repeating: "e", count: 64)
        server["/resolve/other.gguf"] = .init(
            body: [], status: 302, headers: linked.merging(["X-Linked-Etag": "\"\(wrong)\""]) { $1 })
        #expect(
            throws: ModelPullError.checksumMismatch(
                file: "other.gguf", expected: wrong, found: ModelsTestFiles.sha256(model))
        ) {
            try puller().pull(try remote("/resolve/other.gguf"))
        }
        #expect(ModelsTestFiles.contents(directory) == ["tiny.gguf"])
    }

    @Test func aMissingFileIsAClearHTTPError() throws {
        #expect {
            try puller().pull(try remote("/files/missing.gguf"))
        } throws: { error in
            guard case .httpStatus(404, let url, _) = error as? ModelPullError else { return false }
            return url.hasSuffix("/files/missing.gguf") && "\(error)".contains("HTTP 404")
        }
        #expect(ModelsTestFiles.contents(directory).isEmpty)
    }

    @Test func aChecksumMismatchLeavesNoFile() throws {
        server["/files/tiny.gguf"] = .init(body: model)
        let wrong = String(repeating: "0", count: 64)
        #expect(
            throws: ModelPullError.checksumMismatch(
                file: "tiny.gguf", expected: wrong, found: ModelsTestFiles.sha256(model))
        ) {
            try puller().pull(try remote(sha256: wrong))
        }
        #expect(ModelsTestFiles.contents(directory).isEmpty)
    }

    @Test func aBodyThatIsNotGGUFIsRejectedAndRemoved() throws {
        server["/files/tiny.gguf"] = .init(body: Array("<!DOCTYPE html><html>sign in</html>".utf8))
        #expect(throws: ModelPullError.notGGUF(file: "tiny.gguf", firstBytes: Array("<!DOCTYPE html><".utf8))) {
            try puller().pull(try remote())
        }
        #expect(ModelsTestFiles.contents(directory).isEmpty)
    }

    @Test func aStalledTransferTimesOutAndKeepsItsBytes() throws {
        server["/files/tiny.gguf"] = .init(body: model, stallAfter: 10_000, stallSeconds: 3)
        let started = Date()
        #expect {
            try puller(timeout: 1).pull(try remote())
        } throws: { error in
            guard case .timedOut(_, 1, let kept) = error as? ModelPullError else { return false }
            return kept == 10_000
        }
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(try ModelsTestFiles.read(partial).count == 10_000)
    }

    @Test func anExistingFileIsKeptUnlessForced() throws {
        server["/files/tiny.gguf"] = .init(body: model)
        try ModelsTestFiles.write(Array("old".utf8), to: destination)
        #expect(try ModelsTestFiles.read(try puller().pull(try remote())) == Array("old".utf8))
        #expect(server.requests.isEmpty)
        #expect(try ModelsTestFiles.read(try puller().pull(try remote(), force: true)) == model)
    }

    @Test func theLocatorPullsAReferenceOnFirstUseAndFindsItByNameAfter() throws {
        server["/files/tiny.gguf"] = .init(body: model)
        let locator = ModelLocator(puller: puller())
        #expect(throws: ModelPullError.self) { try locator.locateLocal("tiny") }
        let located = try locator.locate(server.url("/files/tiny.gguf").absoluteString)
        #expect(located.url == destination && located.name == "tiny")
        #expect(try locator.locate("tiny").url == destination)
        #expect(try locator.locateLocal("tiny").url == destination)
        #expect(server.requests.count == 1)
    }
}

/// Collects progress reports from the delegate queue.
final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [DownloadProgress] = []
    func add(_ report: DownloadProgress) { lock.withLock { reports.append(report) } }
    var all: [DownloadProgress] { lock.withLock { reports } }
}
