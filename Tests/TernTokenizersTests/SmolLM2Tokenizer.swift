import TernGGUF
import TernTokenizers

/// The SmolLM2 tokenizer read from the real GGUF file through TernGGUF, loaded once for all tests.
/// Tests that use it fail (rather than skip) when the model file is missing.
enum SmolLM2 {
    static let loaded: Result<BPETokenizer, any Error> = Result { try load() }

    static func tokenizer() throws -> BPETokenizer {
        try loaded.get()
    }

    static func load() throws -> BPETokenizer {
        try BPETokenizer(gguf: GGUFFile(path: smolLM2ModelPath))
    }
}
