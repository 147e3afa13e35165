import Foundation

/// Locates what the test suites share: the default model file and the reference fixtures that
/// llama.cpp produced on it (`Tests/Fixtures`, copied from the project's shared fixtures).
public enum TestResources {
    /// Why a resource a test needs is missing (the test fails; it never skips).
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The repository root, found from this source file's location.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The default model (SmolLM2-135M-Instruct Q4_1): `$TERN_TEST_MODEL`, else the data directory.
    public static func modelPath() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["TERN_TEST_MODEL"] { candidates.append(explicit) }
        let home = environment["TERN_HOME"] ?? (environment["HOME"].map { $0 + "/.tern" } ?? "")
        candidates.append(home + "/models/SmolLM2-135M-Instruct.Q4_1.gguf")
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw Missing(
            description:
                "the test model is missing (looked at \(candidates)); run `tern pull smollm2-135m-instruct` or set TERN_TEST_MODEL"
        )
    }

    /// The Gemma 3 270M model (Q4_K_M): `$TERN_TEST_GEMMA_MODEL`, else the data directory
    /// (`$TERN_HOME/models`, by default `~/.tern/models`).
    public static func gemmaModelPath() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["TERN_TEST_GEMMA_MODEL"] { candidates.append(explicit) }
        let home = environment["TERN_HOME"] ?? (environment["HOME"].map { $0 + "/.tern" } ?? "")
        candidates.append(home + "/models/gemma-3-270m-q4_k_m.gguf")
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw Missing(
            description:
                "the Gemma test model is missing (looked at \(candidates)); run `tern pull gemma-3-270m` or set TERN_TEST_GEMMA_MODEL"
        )
    }

    /// A fixture file's URL under Tests/Fixtures.
    public static func fixtureURL(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name)
    }

    /// Decodes a JSON fixture.
    public static func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: fixtureURL(name)))
    }
}

/// `smollm2.json` / `gemma3.json`: tokenization and greedy-continuation cases.
public struct ReferenceCases: Decodable, Sendable {
    public struct TokenizeCase: Decodable, Sendable {
        public let name: String
        public let text: String
        public let ids: [Int32]
    }

    public struct GreedyCase: Decodable, Sendable {
        public let prompt: String
        public let promptIds: [Int32]
        public let ids: [Int32]
        public let margins: [Double]
        public let text: String

        enum CodingKeys: String, CodingKey {
            case prompt, ids, margins, text
            case promptIds = "prompt_ids"
        }

        /// How many leading ids are safe to compare: up to the first near tie (margin < 0.02).
        public var comparableCount: Int { comparableCount(nearTie: 0.02) }

        /// How many leading ids are safe to compare when steps whose best-to-second logit gap is
        /// below `nearTie` count as ties.
        public func comparableCount(nearTie: Double) -> Int { margins.firstIndex { $0 < nearTie } ?? ids.count }
    }

    public let model: String
    public let tokenize: [TokenizeCase]
    public let greedy: [GreedyCase]
}

/// `logits-top5.json`: top-5 logits at the first positions of one prompt.
public struct ReferenceLogits: Decodable, Sendable {
    public struct Position: Decodable, Sendable {
        public let position: Int
        public let inputId: Int32
        public let top5: [[Double]]

        enum CodingKeys: String, CodingKey {
            case position, top5
            case inputId = "input_id"
        }
    }

    public struct Case: Decodable, Sendable {
        public let model: String
        public let prompt: String
        public let promptIds: [Int32]
        public let positions: [Position]

        enum CodingKeys: String, CodingKey {
            case model, prompt, positions
            case promptIds = "prompt_ids"
        }
    }

    public let cases: [Case]
}
