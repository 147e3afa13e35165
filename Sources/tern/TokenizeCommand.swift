import ArgumentParser
import Foundation
import TernEngine
import TernGGUF
import TernTokenizers

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of TEXT (special-token text becomes special tokens; BOS only if the model adds one).")

    @OptionGroup var options: ModelOptions

    @Flag(name: .long, help: "Print one JSON array of ids.")
    var json = false

    @Argument(help: "The text to tokenize.")
    var text: String

    func run() throws {
        let puller = ModelPuller(dataDirectory: options.dataDirectory, log: { printError($0) })
        let (url, _) = try ModelLocator(puller: puller).locate(options.model)
        let tokenizer = try TokenizerFactory.load(file: try GGUFFile(path: url.path))
        let ids = tokenizer.encode(text, addSpecial: true, parseSpecial: true)
        if json {
            print("[" + ids.map(String.init).joined(separator: ",") + "]")
        } else {
            for id in ids {
                let piece = String(decoding: tokenizer.pieceBytes(id, skipSpecial: false), as: UTF8.self)
                print("\(id)\t\(piece.debugDescription)")
            }
        }
    }
}
