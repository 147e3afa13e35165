/// Turns text into token ids and ids back into text, exactly as llama.cpp does for the same
/// GGUF vocabulary. This is the seam the engine and the server use; implementations are
/// immutable after loading and safe to share between tasks.
public protocol Tokenizer: Sendable {
    /// Number of tokens; valid ids are `0..<vocabularySize`.
    var vocabularySize: Int { get }
    /// Beginning-of-sequence token, if the model has one.
    var bosTokenID: Int32? { get }
    /// End-of-sequence token, if the model has one.
    var eosTokenID: Int32? { get }
    /// Every token that ends generation (EOS, EOT, `<|im_end|>`, `<|eot_id|>`, `<end_of_turn>`, …),
    /// as llama.cpp's `llama_vocab_is_eog` marks them.
    var endOfGenerationTokenIDs: Set<Int32> { get }
    /// Whether `encode(_:addSpecial: true, …)` prepends BOS.
    var addsBOS: Bool { get }
    /// Whether `encode(_:addSpecial: true, …)` appends EOS.
    var addsEOS: Bool { get }

    /// Token ids of `text`.
    /// - Parameters:
    ///   - addSpecial: add BOS/EOS as the model's metadata asks (`addsBOS`, `addsEOS`).
    ///   - parseSpecial: emit control tokens whose text appears in `text` (`<|im_start|>`) instead
    ///     of tokenizing that text; user-defined tokens are always recognised, as in llama.cpp.
    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32]

    /// Text of `ids`: their pieces concatenated, invalid UTF-8 replaced with U+FFFD.
    /// Ids out of range produce nothing.
    /// - Parameter skipSpecial: leave out control and unknown tokens.
    func decode(_ ids: [Int32], skipSpecial: Bool) -> String

    /// The bytes token `id` produces, which may be part of a UTF-8 character (llama.cpp's
    /// `token_to_piece`, with `special = !skipSpecial`). Empty for ids out of range.
    func pieceBytes(_ id: Int32, skipSpecial: Bool) -> [UInt8]

    /// The token's raw vocabulary string (byte-level spelling, e.g. "Ġthe"); empty when out of range.
    func tokenText(_ id: Int32) -> String

    /// The id whose raw vocabulary string is exactly `text`.
    func tokenID(for text: String) -> Int32?

    /// Whether `id` is a control or user-defined token.
    func isSpecial(_ id: Int32) -> Bool
}

extension Tokenizer {
    /// The bytes token `id` produces, special tokens included.
    public func pieceBytes(_ id: Int32) -> [UInt8] {
        pieceBytes(id, skipSpecial: false)
    }

    /// Whether generating `id` ends the sequence.
    public func isEndOfGeneration(_ id: Int32) -> Bool {
        endOfGenerationTokenIDs.contains(id)
    }

    /// Concatenates the pieces of `ids` and decodes them as UTF-8 with replacement.
    public func decode(_ ids: [Int32], skipSpecial: Bool) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            bytes.append(contentsOf: pieceBytes(id, skipSpecial: skipSpecial))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
