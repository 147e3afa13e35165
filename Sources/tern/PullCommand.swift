import ArgumentParser
import Foundation
import TernEngine

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Fetch a model into the data directory's models folder.",
        discussion: """
            MODEL is a built-in name (\(ModelCatalog.models.map(\.name).joined(separator: ", "))), \
            hf://OWNER/REPO/FILE.gguf[@REVISION], or an http(s) URL of a .gguf file. Downloads resume \
            where an interrupted pull stopped; the file is checked (size, GGUF magic, sha256 when known) \
            before it is moved into place, and is then served under its file name without .gguf. \
            Set HF_TOKEN for gated Hugging Face repositories. Prints the file's path.
            """)

    @Argument(help: "A built-in model name, an hf:// reference or a URL.")
    var model: String = ModelCatalog.defaultModelName

    @Option(name: .long, help: "Data directory (default: $TERN_HOME or ~/.tern).")
    var dataDir: String?

    @Option(name: .long, help: "The expected sha256 of a downloaded file (64 hex digits).")
    var sha256: String?

    @Option(name: .long, help: "Seconds without data before a download is abandoned.")
    var timeout: Double = 60

    @Option(name: .long, help: "How many times a failed download is resumed automatically.")
    var retries: Int = 2

    @Flag(name: .long, help: "Download again even if the file is present.")
    var force = false

    @Flag(name: .long, help: "Print only the path (and errors).")
    var quiet = false

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard retries >= 0 else { throw ValidationError("--retries cannot be negative") }
    }

    func run() throws {
        let source = try ModelSource(model, sha256: sha256)
        let quiet = quiet
        var progress: (@Sendable (DownloadProgress) -> Void)?
        if !quiet {
            let printer = ProgressPrinter.standardError()
            progress = { printer.report($0) }
        }
        let puller = ModelPuller(
            dataDirectory: DataDirectory.resolve(dataDir),
            downloadOptions: DownloadOptions(idleTimeout: timeout, retries: retries),
            log: { message in if !quiet { printError(message) } }, progress: progress)
        print(try puller.pull(source, force: force).path)
    }
}
