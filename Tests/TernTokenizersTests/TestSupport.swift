import Foundation
import TernTestSupport
import TernTokenizers
import Testing

/// Where the llama.cpp reference data lives (the repository's Tests/Fixtures).
let fixturesDirectory = TestResources.fixtureURL("").path

/// The SmolLM2 GGUF file the fixtures were produced from (`TERN_TEST_MODEL` or the data directory;
/// a missing file makes the tests that need it fail).
let smolLM2ModelPath = (try? TestResources.modelPath()) ?? "<missing test model: set TERN_TEST_MODEL>"

struct TokenizeCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var ids: [Int32]
    var testDescription: String { name }
}

struct GreedyCase: Decodable, Sendable {
    var prompt: String
    var prompt_ids: [Int32]
}

struct ModelFixture: Decodable, Sendable {
    var tokenize: [TokenizeCase]
    var greedy: [GreedyCase]
}

struct ChatTemplateFixture: Decodable, Sendable {
    struct Case: Decodable, Sendable {
        var prompt: String
        var prompt_ids: [Int32]
    }
    var cases: [Case]
}

enum Fixtures {
    /// `smollm2.json`, or an empty fixture when it cannot be read (tests that need it then fail
    /// on `#require` instead of crashing the whole run).
    static let smolLM2: ModelFixture? = decode("smollm2.json")
    static let smolLM2ChatTemplate: ChatTemplateFixture? = decode("smollm2-chat-template.json")

    static var smolLM2TokenizeCases: [TokenizeCase] { smolLM2?.tokenize ?? [] }

    private static func decode<T: Decodable>(_ name: String) -> T? {
        let url = URL(fileURLWithPath: fixturesDirectory).appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(T.self, from: data)
    }
}
