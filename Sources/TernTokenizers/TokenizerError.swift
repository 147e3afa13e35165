/// Why a tokenizer could not be built from a vocabulary.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// `tokenizer.ggml.model` names a tokenizer this module does not implement.
    case unsupportedModel(String)
    /// A required metadata key is absent (or has the wrong type).
    case missingMetadata(key: String)
    /// The vocabulary has no tokens.
    case emptyVocabulary
    /// The same token text appears twice.
    case duplicateToken(text: String, firstID: Int, secondID: Int)
    /// A per-token array does not have one entry per token.
    case lengthMismatch(key: String, expected: Int, actual: Int)
    /// The metadata asks to add a special token whose id is not set.
    case missingSpecialToken(addKey: String, idKey: String)

    /// A message naming what is wrong.
    public var description: String {
        switch self {
        case .unsupportedModel(let model):
            return "unsupported tokenizer model '\(model)' (tokenizer.ggml.model)"
        case .missingMetadata(let key):
            return "missing or mistyped tokenizer metadata '\(key)'"
        case .emptyVocabulary:
            return "the vocabulary (tokenizer.ggml.tokens) is empty"
        case .duplicateToken(let text, let firstID, let secondID):
            return "duplicate token '\(text)' in vocabulary: ids \(firstID) and \(secondID)"
        case .lengthMismatch(let key, let expected, let actual):
            return "'\(key)' has \(actual) entries, expected one per token (\(expected))"
        case .missingSpecialToken(let addKey, let idKey):
            return "\(addKey) is true, but \(idKey) is not set"
        }
    }
}
