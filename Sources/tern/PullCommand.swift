import ArgumentParser
import TernEngine

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Fetch a built-in model into the data directory.")

    @Argument(help: "The model name, e.g. \(ModelCatalog.defaultModelName).")
    var name: String = ModelCatalog.defaultModelName

    @Option(name: .long, help: "Data directory (default: $TERN_HOME or ~/.tern).")
    var dataDir: String?

    @Flag(name: .long, help: "Download again even if the file is present.")
    var force = false

    func run() throws {
        guard let model = ModelCatalog.model(named: name) else { throw ModelPullError.unknownModel(name) }
        let puller = ModelPuller(dataDirectory: DataDirectory.resolve(dataDir), log: { printError($0) })
        let url = try puller.pull(model, force: force)
        print(url.path)
    }
}
