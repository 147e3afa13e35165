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
    /// The bits, numbered as llama.cpp numbers them.
    public let rawValue: UInt16
    /// Attributes from raw bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The unknown-token placeholder (`<unk>`).
    public static let unknown = TokenAttributes(rawValue: 1 << 0)
    /// A reserved slot the model never learned.
    public static let unused = TokenAttributes(rawValue: 1 << 1)
    /// An ordinary piece of text.
    public static let normal = TokenAttributes(rawValue: 1 << 2)
    /// Markup such as `<|im_start|>`: hidden when skipping special tokens, parsed only on request.
    public static let control = TokenAttributes(rawValue: 1 << 3)
    /// An added token, always matched as a whole and always rendered.
    public static let userDefined = TokenAttributes(rawValue: 1 << 4)
    /// A raw byte spelled `<0xAB>`.
    public static let byte = TokenAttributes(rawValue: 1 << 5)
    /// Whitespace just before the token's text in the input is dropped when it is matched.
    public static let leftStrip = TokenAttributes(rawValue: 1 << 7)
    /// Whitespace just after the token's text in the input is dropped when it is matched.
    public static let rightStrip = TokenAttributes(rawValue: 1 << 8)

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
