/// One lexical token of a template.
struct Token: Sendable, Equatable {
    var kind: TokenKind
    /// 1-based line and column of the token's first character.
    var line: Int
    var column: Int
}

/// What a token is. Text outside tags arrives as `data`, already trimmed by the whitespace rules.
enum TokenKind: Sendable, Equatable {
    case data(String)
    case variableBegin
    case variableEnd
    case blockBegin
    case blockEnd
    case name(String)
    case string(String)
    case integer(Int)
    case float(Double)
    case op(Operator)
    case endOfInput

    /// How the token reads in an error message, in jinja2's words.
    var description: String {
        switch self {
        case .data: "template data"
        case .variableBegin: "begin of print statement"
        case .variableEnd: "end of print statement"
        case .blockBegin: "begin of statement block"
        case .blockEnd: "end of statement block"
        case .name(let name): name
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .op(let op): op.rawValue
        case .endOfInput: "end of template"
        }
    }
}

/// Operators and punctuation inside tags.
enum Operator: String, Sendable, CaseIterable {
    case add = "+"
    case sub = "-"
    case mul = "*"
    case div = "/"
    case floorDiv = "//"
    case mod = "%"
    case pow = "**"
    case tilde = "~"
    case lbracket = "["
    case rbracket = "]"
    case lparen = "("
    case rparen = ")"
    case lbrace = "{"
    case rbrace = "}"
    case eq = "=="
    case ne = "!="
    case gt = ">"
    case gteq = ">="
    case lt = "<"
    case lteq = "<="
    case assign = "="
    case dot = "."
    case colon = ":"
    case pipe = "|"
    case comma = ","
    case semicolon = ";"

    /// Two-character operators, tried before one-character ones (longest match wins).
    static let twoCharacter: [Operator] = [.floorDiv, .pow, .eq, .ne, .gteq, .lteq]
}
