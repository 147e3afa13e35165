/// Byte-level BPE (`tokenizer.ggml.model` = "gpt2"), matching llama.cpp token for token:
/// special tokens are cut out first, the rest is split into words by the pre-tokenizer named in
/// `tokenizer.ggml.pre`, and each word's bytes are merged by rank.
public struct BPETokenizer: Tokenizer {
    /// The pre-tokenizer in use.
    public let preTokenizer: PreTokenizerKind
    /// `tokenizer.ggml.pre` as given (nil when absent).
    public let preTokenizerName: String?
    /// True when `preTokenizerName` was not recognised and the GPT-2 rules are used instead.
    public let usesFallbackPreTokenizer: Bool
    /// Special token ids, end-of-generation set and BOS/EOS policy.
    public let specialTokens: SpecialTokens

    private let profile: PreTokenizerProfile
    private let splitter: PreTokenizer
    private let merges: BPEMerges
    private let attributes: [TokenAttributes]
    private let specialSplitter: SpecialTokenSplitter
    private let pieces: TokenPieces

    /// Builds the tokenizer from plain vocabulary values.
    /// - Throws: `TokenizerError` when the model is not "gpt2", the vocabulary is empty, has
    ///   duplicate texts or a short type array, or asks to add a BOS/EOS token it does not have.
    public init(vocabulary: TokenizerVocabulary) throws {
        guard vocabulary.model == "gpt2" else { throw TokenizerError.unsupportedModel(vocabulary.model) }
        let count = vocabulary.tokens.count
        guard count > 0 else { throw TokenizerError.emptyVocabulary }
        if let types = vocabulary.tokenTypes, types.count < count {
            throw TokenizerError.lengthMismatch(key: "tokenizer.ggml.token_type", expected: count, actual: types.count)
        }

        var texts = ByteStringTable(minimumCapacity: count + vocabulary.merges.count / 4 + 256)
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

        let profile = PreTokenizerProfile(name: vocabulary.preTokenizer)
        specialTokens = try SpecialTokens.resolve(
            vocabulary, profile: profile, texts: texts, attributes: &attributes)
        self.profile = profile
        self.preTokenizer = profile.kind
        self.preTokenizerName = vocabulary.preTokenizer
        self.usesFallbackPreTokenizer = profile.isFallback
        self.splitter = PreTokenizer(profile.kind)
        self.attributes = attributes
        self.specialSplitter = SpecialTokenSplitter(texts: texts, attributes: attributes)
        self.pieces = TokenPieces(byteLevelTexts: texts, attributes: attributes)
        self.merges = BPEMerges(tokens: texts, merges: vocabulary.merges)
    }

    // MARK: - Tokenizer

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { attributes.count }
    /// The BOS token (metadata, else llama.cpp's default for the model).
    public var bosTokenID: Int32? { specialTokens[.bos] }
    /// The EOS token (metadata, else llama.cpp's default for the model).
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
            var encoder = BPEWordEncoder()
            var spelling: [UInt8] = []
            for fragment in specialSplitter.split(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case .token(let id):
                    output.append(id)
                case .text(let range):
                    encodeText(
                        UnsafeBufferPointer(rebasing: bytes[range]), encoder: &encoder, spelling: &spelling,
                        into: &output)
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

    /// Text of `ids`, invalid UTF-8 replaced with U+FFFD.
    public func decode(_ ids: [Int32], skipSpecial: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids {
            bytes.append(contentsOf: pieces.piece(id, skipSpecial: skipSpecial))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The raw vocabulary string of `id` (empty when out of range).
    public func tokenText(_ id: Int32) -> String {
        guard id >= 0 && Int(id) < vocabularySize else { return "" }
        return String(decoding: merges.symbols.key(id), as: UTF8.self)
    }

    /// The id whose raw vocabulary string is exactly `text`.
    public func tokenID(for text: String) -> Int32? {
        guard let id = merges.symbols.find(Array(text.utf8)), Int(id) < vocabularySize else { return nil }
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

    // MARK: - Encoding ordinary text

    private func encodeText(
        _ bytes: UnsafeBufferPointer<UInt8>, encoder: inout BPEWordEncoder, spelling: inout [UInt8],
        into output: inout [Int32]
    ) {
        let text = UTF8Scalars(bytes)
        let ends = text.scalars.withUnsafeBufferPointer { scalars in
            text.flags.withUnsafeBufferPointer { flags in
                splitter.wordEnds(ScalarView(scalars: scalars, flags: flags))
            }
        }
        var start = 0
        for end in ends {
            let word = UnsafeBufferPointer(
                rebasing: bytes[Int(text.offsets[start])..<Int(text.offsets[Int(end)])])
            start = Int(end)
            if profile.ignoresMerges, let id = wholeWordToken(word, spelling: &spelling) {
                output.append(id)
            } else {
                encoder.encode(word, merges: merges, into: &output)
            }
        }
    }

    /// The token spelling the whole word, for vocabularies whose merges are skipped for words
    /// they already contain (Llama 3).
    private func wholeWordToken(_ word: UnsafeBufferPointer<UInt8>, spelling: inout [UInt8]) -> Int32? {
        spelling.removeAll(keepingCapacity: true)
        for byte in word {
            spelling.append(contentsOf: ByteLevelAlphabet.utf8ForByte[Int(byte)])
        }
        guard let id = spelling.withUnsafeBufferPointer({ merges.symbols.find($0) }), Int(id) < vocabularySize
        else { return nil }
        return id
    }
}

extension BPETokenizer: CustomStringConvertible {
    /// A one-line summary (the vocabulary itself is far too large to print).
    public var description: String {
        let name = preTokenizerName.map { " '\($0)'" } ?? ""
        let fallback = usesFallbackPreTokenizer ? ", fallback" : ""
        return "BPETokenizer(\(vocabularySize) tokens, pre-tokenizer \(preTokenizer)\(name)\(fallback))"
    }
}
