import TernTokenizers

/// Small byte-level vocabularies made in tests: the 256 byte characters (ids 0–255, in byte
/// order), then any extra tokens, with merges written in plain text.
struct SyntheticVocabulary {
    var extraTokens: [(text: String, type: TokenType)] = []
    var merges: [(String, String)] = []
    var preTokenizer: String? = "gpt-2"
    var specialTokenIDs: [SpecialTokenRole: Int] = [:]
    var addBOS: Bool?

    /// GPT-2's spelling of a byte: printable Latin-1 bytes stand for themselves, the others are
    /// moved in order to U+0100 and up.
    static func character(for byte: UInt8) -> Character {
        let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
        if printable { return Character(Unicode.Scalar(byte)) }
        let shifted = (0..<byte).filter { value in
            !((0x21...0x7E).contains(value) || (0xA1...0xAC).contains(value) || (0xAE...0xFF).contains(value))
        }.count
        return Character(Unicode.Scalar(UInt32(256 + shifted))!)
    }

    /// The byte-level spelling of plain text ("a b" → "aĠb").
    static func spell(_ text: String) -> String {
        String(text.utf8.map(character(for:)))
    }

    /// Adds a normal token spelled from plain text.
    mutating func addToken(_ plain: String) {
        extraTokens.append((Self.spell(plain), .normal))
    }

    /// Adds a merge rule of two plain-text parts and the token it makes.
    mutating func addMerge(_ left: String, _ right: String, addingToken: Bool = true) {
        merges.append((Self.spell(left), Self.spell(right)))
        if addingToken { addToken(left + right) }
    }

    var vocabulary: TokenizerVocabulary {
        let bytes = (0...255).map { String(Self.character(for: UInt8($0))) }
        return TokenizerVocabulary(
            model: "gpt2", preTokenizer: preTokenizer, tokens: bytes + extraTokens.map(\.text),
            tokenTypes: Array(repeating: TokenType.normal.rawValue, count: 256) + extraTokens.map(\.type.rawValue),
            merges: merges.map { "\($0.0) \($0.1)" }, specialTokenIDs: specialTokenIDs, addBOS: addBOS)
    }

    func tokenizer() throws -> BPETokenizer {
        try BPETokenizer(vocabulary: vocabulary)
    }
}

extension BPETokenizer {
    /// The plain text of each token of `text`, to compare splits readably.
    func pieces(_ text: String, parseSpecial: Bool = false) -> [String] {
        encode(text, addSpecial: false, parseSpecial: parseSpecial).map { id in
            String(decoding: pieceBytes(id), as: UTF8.self)
        }
    }
}
