import Foundation

/// Turns what a user passes as `--model` into a GGUF file: an existing path (or anything ending
/// in `.gguf`) is used as is; a download reference (`hf://`, `https://`) or a catalog name
/// resolves to the models folder, fetched on first use; any other name to `<models>/NAME.gguf`.
public struct ModelLocator: Sendable {
    public let puller: ModelPuller

    public init(puller: ModelPuller) { self.puller = puller }

    /// The GGUF file for `nameOrPath`, and the name to serve it under.
    public func locate(_ nameOrPath: String) throws(ModelPullError) -> (url: URL, name: String) {
        if let local = try localFile(nameOrPath) { return local }
        if RemoteModel.isRemoteReference(nameOrPath) {
            let remote = try RemoteModel(nameOrPath)
            return (try puller.pull(remote), remote.name)
        }
        guard let model = ModelCatalog.model(named: nameOrPath) else { throw .unknownModel(nameOrPath) }
        return (try puller.pull(model), model.name)
    }

    /// Like `locate`, but never downloads: a known model that is not in the models folder yet
    /// is an error telling how to pull it.
    public func locateLocal(_ nameOrPath: String) throws(ModelPullError) -> (url: URL, name: String) {
        if let local = try localFile(nameOrPath) { return local }
        if RemoteModel.isRemoteReference(nameOrPath) {
            let remote = try RemoteModel(nameOrPath)
            let url = puller.dataDirectory.models.appendingPathComponent(remote.fileName)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw .notPulled(name: remote.name, hint: "run `tern pull \(nameOrPath)`")
            }
            return (url, remote.name)
        }
        guard let model = ModelCatalog.model(named: nameOrPath) else { throw .unknownModel(nameOrPath) }
        let url = puller.dataDirectory.models.appendingPathComponent(model.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .notPulled(name: model.name, hint: "run `tern pull \(model.name)`")
        }
        return (url, model.name)
    }

    /// An existing path; a catalog model already pulled; or `<models>/NAME.gguf` (what a URL pull
    /// stored). Nil when none applies and the name is neither a path nor a file name.
    private func localFile(_ nameOrPath: String) throws(ModelPullError) -> (url: URL, name: String)? {
        let expanded = (nameOrPath as NSString).expandingTildeInPath
        if FileManager.default.fileExists(atPath: expanded) {
            let url = URL(fileURLWithPath: expanded)
            return (url, url.deletingPathExtension().lastPathComponent)
        }
        if RemoteModel.isRemoteReference(nameOrPath) { return nil }
        if nameOrPath.hasSuffix(".gguf") || nameOrPath.contains("/") {
            throw .fileSystem("model file not found: \(expanded)")
        }
        if ModelCatalog.model(named: nameOrPath) != nil { return nil }
        let stored = puller.dataDirectory.models.appendingPathComponent(nameOrPath + ".gguf")
        return FileManager.default.fileExists(atPath: stored.path) ? (stored, nameOrPath) : nil
    }
}
