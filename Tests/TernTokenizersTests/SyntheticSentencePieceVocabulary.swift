import TernTokenizers

/// Small SentencePiece vocabularies made in tests: `<unk>`, `<s>`, `</s>` (ids 0–2), the 256 byte
/// tokens `<0x00>`…`<0xFF>` (ids 3–258) when asked, then the pieces given, whose spaces are
/// written as "▁" as SentencePiece spells them.
struct SyntheticSentencePieceVocabulary {
    var pieces: [(text: String, score: Float, type: TokenType)] = []
    var includesByteTokens = true
    var addSpacePrefix: Bool?
    var addBOS: Bool?
    var modelName: String?

    /// Id of the first piece.
    var firstPieceID: Int32 { includesByteTokens ? 259 : 3 }

    /// Adds a normal piece; spaces in `text` become "▁".
    mutating func add(_ text: String, score: Float, type: TokenType = .normal) {
        pieces.append((text.replacingOccurrences(of: " ", with: "▁"), score, type))
    }

    /// The id of a piece added with `add` (spelled with plain spaces).
    func id(_ text: String) -> Int32? {
        let spelled = text.replacingOccurrences(of: " ", with: "▁")
        return pieces.firstIndex { $0.text == spelled }.map { firstPieceID + Int32($0) }
    }

    /// The id of the byte token of `byte`.
    func byteID(_ byte: UInt8) -> Int32 { 3 + Int32(byte) }

    var vocabulary: TokenizerVocabulary {
        var tokens = ["<unk>", "<s>", "</s>"]
        var types: [TokenType] = [.unknown, .control, .control]
        var scores: [Float] = [0, 0, 0]
        if includesByteTokens {
            for byte in 0...255 {
                let hex = String(byte, radix: 16, uppercase: true)
                tokens.append("<0x\(hex.count == 1 ? "0" + hex : hex)>")
                types.append(.byte)
                scores.append(0)
            }
        }
        tokens += pieces.map(\.text)
        types += pieces.map(\.type)
        scores += pieces.map(\.score)
        return TokenizerVocabulary(
            model: "llama", tokens: tokens, tokenTypes: types.map(\.rawValue), scores: scores,
            specialTokenIDs: [.unknown: 0, .bos: 1, .eos: 2], addBOS: addBOS, addSpacePrefix: addSpacePrefix,
            modelName: modelName)
    }

    func tokenizer() throws -> SentencePieceTokenizer {
        try SentencePieceTokenizer(vocabulary: vocabulary)
    }
}
