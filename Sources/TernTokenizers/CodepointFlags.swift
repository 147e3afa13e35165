/// The Unicode classes the pre-tokenizers ask about, one bit each, as llama.cpp's `unicode_cpt_flags`
/// defines them: every scalar has exactly one general-category bit, and `whitespace` is the
/// Unicode White_Space property (what `\s` matches in Python's `regex`, from which llama.cpp's
/// tables are generated).
struct CodepointFlags: OptionSet, Sendable {
    let rawValue: UInt16

    static let number = CodepointFlags(rawValue: 1 << 0)
    static let letter = CodepointFlags(rawValue: 1 << 1)
    static let separator = CodepointFlags(rawValue: 1 << 2)
    static let mark = CodepointFlags(rawValue: 1 << 3)
    static let punctuation = CodepointFlags(rawValue: 1 << 4)
    static let symbol = CodepointFlags(rawValue: 1 << 5)
    static let control = CodepointFlags(rawValue: 1 << 6)
    static let whitespace = CodepointFlags(rawValue: 1 << 7)

    var isLetter: Bool { contains(.letter) }
    var isNumber: Bool { contains(.number) }
    var isWhitespace: Bool { contains(.whitespace) }
    var isPunctuation: Bool { contains(.punctuation) }

    /// Flags of one scalar value; values that are not scalars (never produced by valid UTF-8)
    /// count as control characters, like unassigned code points.
    static func of(_ value: UInt32) -> CodepointFlags {
        if value < 0x80 { return asciiTable[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return .control }
        return classify(scalar)
    }

    private static let asciiTable: [CodepointFlags] = (0..<0x80).map { value in
        classify(Unicode.Scalar(UInt8(value)))
    }

    private static func classify(_ scalar: Unicode.Scalar) -> CodepointFlags {
        let properties = scalar.properties
        var flags: CodepointFlags
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            flags = .letter
        case .nonspacingMark, .spacingMark, .enclosingMark:
            flags = .mark
        case .decimalNumber, .letterNumber, .otherNumber:
            flags = .number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            flags = .punctuation
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            flags = .symbol
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            flags = .separator
        case .control, .format, .surrogate, .privateUse, .unassigned:
            flags = .control
        @unknown default:
            flags = .control
        }
        if properties.isWhitespace { flags.insert(.whitespace) }
        return flags
    }
}
