import ArgumentParser
import Foundation
import TernEngine

/// Options every command that touches models shares.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "A built-in model name or a path to a .gguf file.")
    var model: String = ModelCatalog.defaultModelName

    @Option(name: .long, help: "Data directory (default: $TERN_HOME or ~/.tern).")
    var dataDir: String?

    @Option(name: .long, help: "Threads for the engine (default: all cores).")
    var threads: Int?

    var dataDirectory: DataDirectory { DataDirectory.resolve(dataDir) }

    var threadCount: Int { max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount) }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }
}

/// Writes a line to standard error (progress and diagnostics never go to stdout).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
