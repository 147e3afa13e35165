import Foundation
import TernEngine
import TernGGUF
import TernModels
import TernTensor
import TernTokenizers

/// A model file opened for the CLI: the mapping, its tokenizer, and the runnable model.
struct LoadedModel {
    let name: String
    let file: GGUFFile
    let tokenizer: any Tokenizer
    let model: any LanguageModel
    let pool: ThreadPool

    /// Resolves `options.model` (pulling a built-in model on first use) and loads it.
    static func load(_ options: ModelOptions, needsModel: Bool = true) throws -> LoadedModel {
        let puller = ModelPuller(dataDirectory: options.dataDirectory, log: { printError($0) })
        let (url, name) = try ModelLocator(puller: puller).locate(options.model)
        let file = try GGUFFile(path: url.path)
        let tokenizer = try TokenizerFactory.load(file: file)
        let pool = ThreadPool(threadCount: options.threadCount)
        let model = try ModelFactory.load(file: file, pool: pool)
        return LoadedModel(name: name, file: file, tokenizer: tokenizer, model: model, pool: pool)
    }
}
