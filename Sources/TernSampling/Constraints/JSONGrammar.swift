/// JSON building blocks as grammar IR. Strings and numbers are separate rules (one shared
/// automaton per distinct kind), so their token masks are computed once per grammar and reused
/// at every place they occur.
///
/// Whitespace is bounded: between JSON tokens at most one space, or one newline followed by up
/// to `maxIndent` spaces or tabs; none before or after the document. A model cannot loop on
/// whitespace. Numbers are bounded too: at most 16 integer digits, 16 fraction digits and a
/// two-digit exponent, so every generated number is a finite double.
struct JSONGrammar {
    static let maxIndent = 24
    static let maxIntegerDigits = 16
    static let maxFractionDigits = 16

    var ir: GrammarIR
    private var rules: [String: GrammarIR.RuleID] = [:]
    private var cachedWhitespace: GrammarIR.NodeID?

    init(ir: GrammarIR) { self.ir = ir }

    /// A rule shared by key: built on first use.
    mutating func sharedRule(
        _ key: String, build: (inout JSONGrammar) throws(GrammarError) -> GrammarIR.NodeID
    ) throws(GrammarError) -> GrammarIR.NodeID {
        if let rule = rules[key] { return try ir.call(rule) }
        let rule = ir.declareRule(key)
        rules[key] = rule
        let body = try build(&self)
        ir.define(rule, as: body)
        return try ir.call(rule)
    }

    /// Optional whitespace between JSON tokens. A rule of its own: one small automaton shared
    /// by every place whitespace may occur, instead of a copy per place.
    mutating func whitespace() throws(GrammarError) -> GrammarIR.NodeID {
        if let cachedWhitespace { return cachedWhitespace }
        let node = try sharedRule("ws") { json throws(GrammarError) in
            let indent = try json.ir.repeated(
                try json.ir.set(ByteSet(bytes: [0x20, 0x09])), min: 0, max: Self.maxIndent)
            let newline = try json.ir.sequence([try json.ir.byte(0x0A), indent])
            return try json.ir.optional(try json.ir.choice([try json.ir.byte(0x20), newline]))
        }
        cachedWhitespace = node
        return node
    }

    // MARK: - Strings

    /// One character inside a JSON string: any scalar from 0x20 except quote and backslash as
    /// UTF-8, or an escape (`\uXXXX` only for non-surrogates, so output is always valid Unicode).
    mutating func stringCharacter() throws(GrammarError) -> GrammarIR.NodeID {
        let plain = try ir.scalars(CodePointSet([0x20...0x21, 0x23...0x5B, 0x5D...CodePointSet.maxScalar]))
        let simple = try ir.set(ByteSet(bytes: Array("\"\\/bfnrt".utf8)))
        let hex = try ir.set(ByteSet(bytes: Array("0123456789abcdefABCDEF".utf8)))
        let nonSurrogateLead = try ir.sequence([
            try ir.set(ByteSet(bytes: Array("0123456789abcABCefEF".utf8))), hex, hex, hex,
        ])
        let lowD = try ir.sequence([
            try ir.set(ByteSet(bytes: Array("dD".utf8))), try ir.set(ByteSet(0x30...0x37)), hex, hex,
        ])
        let unicode = try ir.sequence([try ir.byte(0x75), try ir.choice([nonSurrogateLead, lowD])])
        let escape = try ir.sequence([try ir.byte(0x5C), try ir.choice([simple, unicode])])
        return try ir.choice([plain, escape])
    }

    /// Any JSON string (optionally with a length range in characters).
    mutating func string(minLength: Int = 0, maxLength: Int? = nil) throws(GrammarError) -> GrammarIR.NodeID {
        try sharedRule("string{\(minLength),\(maxLength.map(String.init) ?? "")}") { json throws(GrammarError) in
            let character = try json.stringCharacter()
            let content = try json.ir.repeated(character, min: minLength, max: maxLength)
            return try json.quoted(content)
        }
    }

    /// `"` content `"`.
    mutating func quoted(_ content: GrammarIR.NodeID) throws(GrammarError) -> GrammarIR.NodeID {
        let quote = try ir.byte(0x22)
        return try ir.sequence([quote, content, quote])
    }

    // MARK: - Numbers

    func digitSet(_ range: ClosedRange<UInt8>) -> ByteSet {
        ByteSet((0x30 + range.lowerBound)...(0x30 + range.upperBound))
    }

    /// Any JSON number (bounded length).
    mutating func number() throws(GrammarError) -> GrammarIR.NodeID {
        try sharedRule("number") { json throws(GrammarError) in
            let integer = try json.integerText(negative: true)
            let fraction = try json.optionalFraction()
            let exponent = try json.ir.optional(
                try json.ir.sequence([
                    try json.ir.set(ByteSet(bytes: Array("eE".utf8))),
                    try json.ir.optional(try json.ir.set(ByteSet(bytes: Array("+-".utf8)))),
                    try json.ir.repeated(try json.ir.set(json.digitSet(0...9)), min: 1, max: 2),
                ]))
            return try json.ir.sequence([integer, fraction, exponent])
        }
    }

    /// `(\.[0-9]{1,16})?`
    mutating func optionalFraction() throws(GrammarError) -> GrammarIR.NodeID {
        let digits = try ir.repeated(try ir.set(digitSet(0...9)), min: 1, max: Self.maxFractionDigits)
        return try ir.optional(try ir.sequence([try ir.byte(0x2E), digits]))
    }

    /// `-?(0|[1-9][0-9]{0,15})` (without the sign when `negative` is false).
    mutating func integerText(negative: Bool) throws(GrammarError) -> GrammarIR.NodeID {
        let magnitude = try ir.choice([
            try ir.byte(0x30),
            try ir.sequence([
                try ir.set(digitSet(1...9)),
                try ir.repeated(try ir.set(digitSet(0...9)), min: 0, max: Self.maxIntegerDigits - 1),
            ]),
        ])
        guard negative else { return magnitude }
        return try ir.sequence([try ir.optional(try ir.byte(0x2D)), magnitude])
    }

    /// Any JSON integer (bounded length).
    mutating func integer() throws(GrammarError) -> GrammarIR.NodeID {
        try sharedRule("integer") { json throws(GrammarError) in try json.integerText(negative: true) }
    }

    // MARK: - Values

    /// The serialization of a literal value (enum/const member).
    mutating func literal(_ value: JSONValue) throws(GrammarError) -> GrammarIR.NodeID {
        try ir.literal(value.serialized)
    }

    /// Any JSON value.
    mutating func anyValue() throws(GrammarError) -> GrammarIR.NodeID {
        let object = try anyObject()
        let array = try anyArray()
        return try ir.choice([
            object, array, try string(), try number(), try ir.literal("true"), try ir.literal("false"),
            try ir.literal("null"),
        ])
    }

    /// `{ ... }` with any members; recursive through `anyValue`.
    mutating func anyObject() throws(GrammarError) -> GrammarIR.NodeID {
        try sharedRule("object") { json throws(GrammarError) in
            let ws = try json.whitespace()
            let member = try json.ir.sequence([
                try json.string(), ws, try json.ir.byte(0x3A), ws, try json.anyValue(),
            ])
            return try json.delimitedList(open: 0x7B, close: 0x7D, item: member)
        }
    }

    /// `[ ... ]` with any items.
    mutating func anyArray() throws(GrammarError) -> GrammarIR.NodeID {
        try sharedRule("array") { json throws(GrammarError) in
            try json.delimitedList(open: 0x5B, close: 0x5D, item: try json.anyValue())
        }
    }

    /// `open ws (item (ws , ws item)* ws)? close`.
    mutating func delimitedList(open: UInt8, close: UInt8, item: GrammarIR.NodeID) throws(GrammarError)
        -> GrammarIR.NodeID
    {
        let ws = try whitespace()
        let more = try ir.repeated(try ir.sequence([ws, try ir.byte(0x2C), ws, item]), min: 0, max: nil)
        let items = try ir.optional(try ir.sequence([item, more, ws]))
        return try ir.sequence([try ir.byte(open), ws, items, try ir.byte(close)])
    }

    /// The root rule of the `json_object` format.
    mutating func anyObjectRule() throws(GrammarError) -> GrammarIR.RuleID {
        _ = try anyObject()
        return rules["object"] ?? 0
    }
}
