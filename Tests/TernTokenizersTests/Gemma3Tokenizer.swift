import Foundation
import TernGGUF
import TernTestSupport
import TernTokenizers
import Testing

/// The Gemma 3 tokenizer read from the real GGUF file, loaded once for all tests. Tests that use
/// it fail (rather than skip) when the model file is missing.
enum Gemma3 {
    static let loaded: Result<SentencePieceTokenizer, any Error> = Result {
        try SentencePieceTokenizer(gguf: GGUFFile(path: TestResources.gemmaModelPath()))
    }

    static func tokenizer() throws -> SentencePieceTokenizer {
        try loaded.get()
    }

    /// `gemma3.json`, or nil when it cannot be read (the tests that need it then fail).
    static let reference: ReferenceCases? = try? TestResources.fixture("gemma3.json", as: ReferenceCases.self)
    /// `gemma3-tokenize-extra.json`, or nil when it cannot be read.
    static let extra: ExtraTokenizeCases? = try? TestResources.fixture(
        "gemma3-tokenize-extra.json", as: ExtraTokenizeCases.self)

    static var referenceTokenizeCases: [ReferenceCases.TokenizeCase] { reference?.tokenize ?? [] }
    static var extraCases: [ExtraTokenizeCases.Case] { extra?.cases ?? [] }
    /// Every text of both fixtures, for properties that must hold whatever the text.
    static var allTexts: [String] { referenceTokenizeCases.map(\.text) + extraCases.map(\.text) }
}

/// `gemma3-tokenize-extra.json`: ids llama-tokenize gave for tricky texts, with and without BOS
/// and special-token parsing.
struct ExtraTokenizeCases: Decodable, Sendable {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var addSpecial: Bool
        var parseSpecial: Bool
        var ids: [Int32]
        var testDescription: String { name }

        enum CodingKeys: String, CodingKey {
            case name, text, ids
            case addSpecial = "add_special"
            case parseSpecial = "parse_special"
        }
    }

    var generator: String
    var cases: [Case]
}

extension ReferenceCases.TokenizeCase: CustomTestStringConvertible {
    public var testDescription: String { name }
}
