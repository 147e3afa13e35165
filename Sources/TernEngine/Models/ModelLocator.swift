import Foundation

/// Turns what a user passes as `--model` into a GGUF file: an existing path (or anything ending
/// in `.gguf`) is used as is; a catalog name resolves to the data directory, pulled on first use.
public struct ModelLocator: Sendable {
    public let puller: ModelPuller

    public init(puller: ModelPuller) { self.puller = puller }

    /// The GGUF file for `nameOrPath`, and the name to serve it under.
    public func locate(_ nameOrPath: String) throws(ModelPullError) -> (url: URL, name: String) {
        let expanded = (nameOrPath as NSString).expandingTildeInPath
        if FileManager.default.fileExists(atPath: expanded) {
            let url = URL(fileURLWithPath: expanded)
            return (url, url.deletingPathExtension().lastPathComponent)
        }
        if nameOrPath.hasSuffix(".gguf") || nameOrPath.contains("/") {
            throw .fileSystem("model file not found: \(expanded)")
        }
        guard let model = ModelCatalog.model(named: nameOrPath) else { throw .unknownModel(nameOrPath) }
        return (try puller.pull(model), model.name)
    }
}
