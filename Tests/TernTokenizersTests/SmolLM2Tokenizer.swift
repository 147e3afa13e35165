import Foundation
import TernTokenizers

/// The SmolLM2 tokenizer, loaded once for all tests.
/// TEMPORARY: read from a Python dump until TernGGUF lands.
enum SmolLM2 {
    static let loaded: Result<BPETokenizer, any Error> = Result { try load() }

    static func tokenizer() throws -> BPETokenizer {
        try loaded.get()
    }

    static func load() throws -> BPETokenizer {
        struct Dump: Decodable {
            var tokens: [String]
            var types: [Int32]
            var merges: [String]
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: "/tmp/tok_ref/smollm_vocab.json"))
        let dump = try JSONDecoder().decode(Dump.self, from: data)
        return try BPETokenizer(
            vocabulary: TokenizerVocabulary(
                model: "gpt2", preTokenizer: "smollm", tokens: dump.tokens, tokenTypes: dump.types,
                merges: dump.merges,
                specialTokenIDs: [.bos: 1, .eos: 2, .unknown: 0, .padding: 2], addBOS: false))
    }
}
