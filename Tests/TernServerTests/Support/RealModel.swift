import Foundation
import TernEngine
import TernGGUF
import TernModels
import TernTensor
import TernTokenizers

/// The real test model (`TERN_TEST_MODEL`, SmolLM2-135M-Instruct by default) served by a real
/// engine, loaded once for every suite that needs it.
enum RealModel {
    static let path =
        ProcessInfo.processInfo.environment["TERN_TEST_MODEL"] ?? "/root/.tern/models/SmolLM2-135M-Instruct.Q4_1.gguf"

    static let shared: Result<any ServedModel, any Error> = Result { try load() }

    /// The served model; throws (failing the test) when the file is missing.
    static func served() throws -> any ServedModel { try shared.get() }

    private static func load() throws -> any ServedModel {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestFailure("the test model is missing at \(path) (set TERN_TEST_MODEL)")
        }
        let file = try GGUFFile(path: path)
        let tokenizer = try TokenizerFactory.load(file: file)
        let model = try ModelFactory.load(file: file, pool: ThreadPool(threadCount: 2))
        let engine = Engine(model: model, configuration: EngineConfiguration(kvCacheTokens: 16_384))
        let description = ModelDescription(
            name: "smollm2-test", architecture: file.architecture ?? "llama", contextLength: model.contextLength,
            created: 1_700_000_000, chatTemplate: file.metadata.string("tokenizer.chat_template"),
            bosToken: tokenizer.bosTokenID.map { tokenizer.tokenText($0) } ?? "",
            eosToken: tokenizer.eosTokenID.map { tokenizer.tokenText($0) } ?? "")
        return EngineServedModel(description: description, tokenizer: tokenizer, engine: engine)
    }
}
