import ArgumentParser
import TernEngine
import TernGGUF

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a GGUF file's header, metadata and tensor summary (never downloads).")

    @Argument(help: "A .gguf path or a model name from `tern models`.")
    var model: String

    @Option(name: .long, help: "Data directory (default: $TERN_HOME or ~/.tern).")
    var dataDir: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Flag(name: .long, help: "List every tensor: name, type, shape, offset and bytes.")
    var tensors = false

    func run() throws {
        let locator = ModelLocator(puller: ModelPuller(dataDirectory: DataDirectory.resolve(dataDir)))
        let (url, _) = try locator.locateLocal(model)
        let inspection = ModelInspection(file: try GGUFFile(contentsOf: url))
        print(json ? inspection.json(showTensors: tensors) : inspection.text(showTensors: tensors))
    }
}
