/// SentencePiece (`tokenizer.ggml.model` = "llama": Llama 1/2, Mistral, Gemma 1–3), matching
/// llama.cpp's SPM tokenizer token for token: special tokens are cut out first, then each run
/// of ordinary text has its spaces written as "▁" (U+2581), optionally after one added space,
/// and its characters are merged pairwise by the score of the token they form; characters no
/// token covers become their `<0xAB>` byte tokens.
public struct SentencePieceTokenizer: Tokenizer {
    /// Special token ids, end-of-generation set and BOS/EOS policy.
    public let specialTokens: SpecialTokens
    /// Whether a space is put before text that starts the input or follows a special token
    /// (`tokenizer.ggml.add_space_prefix`, true unless the metadata says otherwise; false for Gemma).
    public let addsSpacePrefix: Bool

    private let model: SentencePieceModel
    private let attributes: [TokenAttributes]
    private let specialSplitter: SpecialTokenSplitter
    private let pieces: TokenPieces

    /// Builds the tokenizer from plain vocabulary values.
    /// - Throws: `TokenizerError` when the model is not "llama", the vocabulary is empty, has
    ///   duplicate texts or a short type or score array, or asks to add a BOS/EOS token it does
    ///   not have.
    public init(vocabulary: TokenizerVocabulary) throws {
        guard vocabulary.model == "llama" else { throw TokenizerError.unsupportedModel(vocabulary.model) }
        let count = vocabulary.tokens.count
        guard count > 0 else { throw TokenizerError.emptyVocabulary }
        if let types = vocabulary.tokenTypes, types.count < count {
            throw TokenizerError.lengthMismatch(key: "tokenizer.ggml.token_type", expected: count, actual: types.count)
        }
        if let scores = vocabulary.scores, scores.count < count {
            throw TokenizerError.lengthMismatch(key: "tokenizer.ggml.scores", expected: count, actual: scores.count)
        }

        var texts = ByteStringTable(minimumCapacity: count)
        for (index, token) in vocabulary.tokens.enumerated() {
            // llama.cpp keeps empty tokens addressable under a placeholder name.
            var text = token.isEmpty ? "[EMPTY_\(index)]" : token
            let (id, inserted) = text.withUTF8 { texts.insert($0) }
            guard inserted else {
                throw TokenizerError.duplicateToken(text: token, firstID: Int(id), secondID: index)
            }
        }

        var attributes: [TokenAttributes]
        if let types = vocabulary.tokenTypes {
            attributes = types[0..<count].map(TokenAttributes.init(tokenType:))
        } else {
            attributes = [TokenAttributes](repeating: .normal, count: count)
        }

        specialTokens = try SpecialTokens.resolve(vocabulary, profile: nil, texts: texts, attributes: &attributes)
        addsSpacePrefix = vocabulary.addSpacePrefix ?? true
        let scores = vocabulary.scores.map { Array($0[0..<count]) } ?? [Float](repeating: 0, count: count)
        model = SentencePieceModel(texts: texts, scores: scores, unknown: specialTokens[.unknown])
        self.attributes = attributes
        specialSplitter = SpecialTokenSplitter(texts: texts, attributes: attributes)
        pieces = TokenPieces(sentencePieceTexts: texts, attributes: attributes)
    }

    // MARK: - Tokenizer

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { attributes.count }
    /// The BOS token (metadata, else llama.cpp's default 1).
    public var bosTokenID: Int32? { specialTokens[.bos] }
    /// The EOS token (metadata, else llama.cpp's default 2).
    public var eosTokenID: Int32? { specialTokens[.eos] }
    /// Tokens that end generation, as llama.cpp marks them.
    public var endOfGenerationTokenIDs: Set<Int32> { specialTokens.endOfGeneration }
    /// Whether `addSpecial` prepends BOS.
    public var addsBOS: Bool { specialTokens.addBOS }
    /// Whether `addSpecial` appends EOS.
    public var addsEOS: Bool { specialTokens.addEOS }

    /// Token ids of `text`; see `Tokenizer.encode(_:addSpecial:parseSpecial:)`.
    public func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addSpecial && addsBOS, let bos = bosTokenID { output.append(bos) }
        var text = text
        text.withUTF8 { bytes in
            var merger = SentencePieceMerger()
            var escaped: [UInt8] = []
            // The input's start counts as following a special token.
            var followsSpecial = true
            for fragment in specialSplitter.split(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case .token(let id):
                    output.append(id)
                    followsSpecial = true
                case .text(let range):
                    Self.escapeWhitespace(
                        UnsafeBufferPointer(rebasing: bytes[range]), addingSpace: addsSpacePrefix && followsSpecial,
                        into: &escaped)
                    escaped.withUnsafeBufferPointer { merger.encode($0, model: model, into: &output) }
                    followsSpecial = false
                }
            }
        }
        if addSpecial && addsEOS, let eos = eosTokenID { output.append(eos) }
        return output
    }

    /// The bytes token `id` decodes to; see `Tokenizer.pieceBytes(_:skipSpecial:)`.
    public func pieceBytes(_ id: Int32, skipSpecial: Bool) -> [UInt8] {
        Array(pieces.piece(id, skipSpecial: skipSpecial))
    }

    /// Text of `ids`, invalid UTF-8 replaced with U+FFFD. As llama.cpp's `llama_detokenize`, when
    /// the vocabulary adds a space prefix the first token's piece loses one leading space, so
    /// that decoding undoes encoding.
    public func decode(_ ids: [Int32], skipSpecial: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for (position, id) in ids.enumerated() {
            var piece = pieces.piece(id, skipSpecial: skipSpecial)
            if position == 0 && addsSpacePrefix && piece.first == UInt8(ascii: " ") { piece = piece.dropFirst() }
            bytes.append(contentsOf: piece)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The raw vocabulary string of `id` (empty when out of range).
    public func tokenText(_ id: Int32) -> String {
        guard id >= 0 && Int(id) < vocabularySize else { return "" }
        return String(decoding: model.texts.key(id), as: UTF8.self)
    }

    /// The id whose raw vocabulary string is exactly `text`.
    public func tokenID(for text: String) -> Int32? {
        guard let id = model.texts.find(Array(text.utf8)), Int(id) < vocabularySize else { return nil }
        return id
    }

    /// Whether `id` is a control or user-defined token.
    public func isSpecial(_ id: Int32) -> Bool {
        !attributes(of: id).isDisjoint(with: [.control, .userDefined])
    }

    /// The attributes of a token (empty for ids out of range).
    public func attributes(of id: Int32) -> TokenAttributes {
        guard id >= 0 && Int(id) < vocabularySize else { return [] }
        return attributes[Int(id)]
    }

    /// The SentencePiece score of a token (0 for ids out of range or a vocabulary without scores).
    public func score(of id: Int32) -> Float {
        guard id >= 0 && Int(id) < vocabularySize else { return 0 }
        return model.scores[Int(id)]
    }

    // MARK: - Escaping

    /// Writes `text` with every space as "▁" (E2 96 81), after one more when `addingSpace`.
    private static func escapeWhitespace(
        _ text: UnsafeBufferPointer<UInt8>, addingSpace: Bool, into escaped: inout [UInt8]
    ) {
        escaped.removeAll(keepingCapacity: true)
        escaped.reserveCapacity(text.count + 3)
        // U+2581 LOWER ONE EIGHTH BLOCK is SentencePiece's spelling of a space.
        if addingSpace {
            escaped.append(0xE2)
            escaped.append(0x96)
            escaped.append(0x81)
        }
        for byte in text {
            if byte == UInt8(ascii: " ") {
                escaped.append(0xE2)
                escaped.append(0x96)
                escaped.append(0x81)
            } else {
                escaped.append(byte)
            }
        }
    }
}

extension SentencePieceTokenizer: CustomStringConvertible {
    /// A one-line summary (the vocabulary itself is far too large to print).
    public var description: String {
        "SentencePieceTokenizer(\(vocabularySize) tokens, space prefix \(addsSpacePrefix ? "on" : "off"))"
    }
}
