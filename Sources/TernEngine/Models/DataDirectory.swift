import Foundation

/// Where Tern keeps its data: `--data-dir`, else `$TERN_HOME`, else `~/.tern`.
/// Holds `models/` (GGUF files) and `tern.sqlite` (tokens, teams, usage).
public struct DataDirectory: Sendable, Equatable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// Resolves the directory from an explicit option and the environment.
    public static func resolve(
        _ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DataDirectory {
        if let explicit, !explicit.isEmpty { return DataDirectory(root: URL(fileURLWithPath: explicit)) }
        if let home = environment["TERN_HOME"], !home.isEmpty { return DataDirectory(root: URL(fileURLWithPath: home)) }
        let userHome = environment["HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return DataDirectory(root: userHome.appendingPathComponent(".tern"))
    }

    public var models: URL { root.appendingPathComponent("models") }
    public var database: URL { root.appendingPathComponent("tern.sqlite") }

    /// Creates the directory tree if needed.
    public func create() throws {
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
    }
}
