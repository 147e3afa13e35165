/// Token kinds as GGUF stores them in `tokenizer.ggml.token_type`.
public enum TokenType: Int32, Sendable, CaseIterable {
    case undefined = 0
    case normal = 1
    case unknown = 2
    /// Markup the model was trained on (`<|im_start|>`, `<|eot_id|>`): parsed from text only when asked.
    case control = 3
    /// Added tokens that are always matched as a whole before pre-tokenization.
    case userDefined = 4
    case unused = 5
    /// A raw byte spelled `<0xAB>`.
    case byte = 6
}

/// What a token is and how it behaves, as llama.cpp's `llama_token_attr` bits. Loading may add
/// bits to the GGUF type (an end-of-generation token stored as normal becomes control).
public struct TokenAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let unknown = TokenAttributes(rawValue: 1 << 0)
    public static let unused = TokenAttributes(rawValue: 1 << 1)
    public static let normal = TokenAttributes(rawValue: 1 << 2)
    public static let control = TokenAttributes(rawValue: 1 << 3)
    public static let userDefined = TokenAttributes(rawValue: 1 << 4)
    public static let byte = TokenAttributes(rawValue: 1 << 5)

    /// Attributes of a GGUF token type; a type outside the known range is undefined (no bits).
    public init(tokenType rawType: Int32) {
        switch TokenType(rawValue: rawType) {
        case .normal: self = .normal
        case .unknown: self = .unknown
        case .control: self = .control
        case .userDefined: self = .userDefined
        case .unused: self = .unused
        case .byte: self = .byte
        case .undefined, .none: self = []
        }
    }

    /// Tokens whose text is hidden when special tokens are skipped while decoding.
    static let hiddenWhenSkipping: TokenAttributes = [.unknown, .control]
    /// Tokens matched as whole strings in the input before the pre-tokenizer runs.
    static let matchedInText: TokenAttributes = [.unknown, .control, .userDefined]
}
