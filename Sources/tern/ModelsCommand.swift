import ArgumentParser
import TernEngine

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models in the data directory, and the built-in ones not pulled yet.")

    @Option(name: .long, help: "Data directory (default: $TERN_HOME or ~/.tern).")
    var dataDir: String?

    @Flag(name: .long, help: "Print a JSON array.")
    var json = false

    func run() {
        let rows = ModelInventory.list(DataDirectory.resolve(dataDir))
        print(json ? ModelInventory.json(rows) : ModelInventory.table(rows))
    }
}
