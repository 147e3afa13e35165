import TernGGUF
import TernTensor

/// Builds the model implementation a GGUF file's `general.architecture` calls for.
public enum ModelFactory {
    /// Architectures that `load` accepts.
    public static var supportedArchitectures: [String] { TransformerConfig.supported.sorted() }

    public static func load(file: GGUFFile, pool: ThreadPool) throws(ModelError) -> any LanguageModel {
        guard let architecture = file.metadata.string("general.architecture") else {
            throw .missingMetadata(key: "general.architecture")
        }
        if TransformerConfig.supported.contains(architecture) {
            return try TransformerModel(file: file, pool: pool)
        }
        throw .unsupportedArchitecture(architecture)
    }
}
