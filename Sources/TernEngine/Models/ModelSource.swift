import Foundation

/// A GGUF file to download over HTTP(S), from an `hf://OWNER/REPO/PATH.gguf[@REVISION]`
/// reference or a plain `https://` / `http://` URL ending in `.gguf`.
public struct RemoteModel: Sendable, Equatable {
    /// The reference as the user wrote it.
    public let reference: String
    /// The URL fetched (for `hf://`, the Hugging Face `resolve` URL).
    public let url: URL
    /// The file name under `<data-dir>/models`: the last path component of the reference.
    public let fileName: String
    /// The expected sha256 (lower-case hex), when the user gave one.
    public let expectedSHA256: String?
    /// Whether the file comes from huggingface.co, whose responses carry the LFS sha256
    /// (`X-Linked-Etag`) and which accepts an `HF_TOKEN` for gated repositories.
    public let isHuggingFace: Bool

    /// The name the model is served under: the file name without `.gguf`.
    public var name: String { String(fileName.dropLast(".gguf".count)) }

    /// Whether `text` is meant as a download reference rather than a name or a path.
    public static func isRemoteReference(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("hf://") || lower.hasPrefix("https://") || lower.hasPrefix("http://")
    }

    /// Parses a reference; `sha256`, if given, must be 64 hex digits.
    public init(_ reference: String, sha256: String? = nil) throws(ModelPullError) {
        self.reference = reference
        self.expectedSHA256 = try sha256.map { value throws(ModelPullError) in try Self.checkedSHA256(value) }
        if reference.lowercased().hasPrefix("hf://") {
            let (url, fileName) = try Self.huggingFaceURL(reference)
            self.url = url
            self.fileName = fileName
            self.isHuggingFace = true
        } else {
            guard let url = URL(string: reference), let scheme = url.scheme?.lowercased(),
                scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty
            else { throw .invalidReference(reference, reason: "not an http(s) URL") }
            self.url = url
            self.fileName = try Self.checkedFileName(url.lastPathComponent, reference: reference)
            self.isHuggingFace = host.lowercased() == "huggingface.co"
        }
    }

    /// `hf://OWNER/REPO/PATH.gguf[@REVISION]` → `https://huggingface.co/OWNER/REPO/resolve/REVISION/PATH.gguf`
    /// (revision `main` when absent; a revision with slashes, like `refs/pr/1`, is percent-encoded).
    static func huggingFaceURL(_ reference: String) throws(ModelPullError) -> (URL, String) {
        var rest = String(reference.dropFirst("hf://".count))
        var revision = "main"
        // The revision follows the file name, so "@" inside an earlier path component stays there.
        if let marker = rest.range(of: ".gguf@", options: [.caseInsensitive, .backwards]) {
            revision = String(rest[marker.upperBound...])
            rest = String(rest[..<rest.index(marker.upperBound, offsetBy: -1)])
            guard !revision.isEmpty else { throw .invalidReference(reference, reason: "empty revision after '@'") }
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, !parts.contains(where: \.isEmpty) else {
            throw .invalidReference(reference, reason: "expected hf://OWNER/REPO/FILE.gguf[@REVISION]")
        }
        guard !parts.contains(where: { $0 == "." || $0 == ".." }) else {
            throw .invalidReference(reference, reason: "'.' and '..' are not allowed in the path")
        }
        let fileName = try checkedFileName(parts[parts.count - 1], reference: reference)
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        let path = [encode(parts[0]), encode(parts[1]), "resolve", encode(revision)] + parts[2...].map(encode)
        guard let url = URL(string: "https://huggingface.co/" + path.joined(separator: "/")) else {
            throw .invalidReference(reference, reason: "cannot form a huggingface.co URL")
        }
        return (url, fileName)
    }

    private static func checkedFileName(_ name: String, reference: String) throws(ModelPullError) -> String {
        let decoded = name.removingPercentEncoding ?? name
        guard decoded.lowercased().hasSuffix(".gguf"), decoded.count > ".gguf".count else {
            throw .invalidReference(reference, reason: "the URL must name a .gguf file")
        }
        guard !decoded.hasPrefix("."), !decoded.contains("/"), !decoded.contains("\0") else {
            throw .invalidReference(reference, reason: "'\(decoded)' cannot be used as a file name")
        }
        return decoded
    }

    private static func checkedSHA256(_ value: String) throws(ModelPullError) -> String {
        let lower = value.lowercased()
        guard lower.count == 64, lower.allSatisfy(\.isHexDigit) else { throw .invalidChecksum(value) }
        return lower
    }
}

/// What `tern pull` was asked for: a catalog name or a download reference.
public enum ModelSource: Sendable, Equatable {
    case catalog(CatalogModel)
    case remote(RemoteModel)

    /// Resolves a pull argument; `sha256` only applies to downloads (catalog models carry theirs).
    public init(_ argument: String, sha256: String? = nil) throws(ModelPullError) {
        if RemoteModel.isRemoteReference(argument) {
            self = .remote(try RemoteModel(argument, sha256: sha256))
        } else if let model = ModelCatalog.model(named: argument) {
            guard sha256 == nil else {
                throw .invalidReference(
                    argument, reason: "--sha256 applies to URL downloads; built-in models carry their own")
            }
            self = .catalog(model)
        } else {
            throw .unknownModel(argument)
        }
    }

    /// The name the model is served under.
    public var name: String {
        switch self {
        case .catalog(let model): model.name
        case .remote(let remote): remote.name
        }
    }
}
