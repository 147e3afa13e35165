/// Collects where words end while a split pass scans a piece of text. Pieces are contiguous, so
/// an end is all a word needs; empty words are dropped, as llama.cpp drops zero-length offsets.
struct WordBoundaries {
    var ends: [Int32] = []
    private(set) var previous = 0

    /// Starts a new piece at `start` (the end of the previous piece).
    mutating func begin(at start: Int) {
        previous = start
    }

    /// Ends the current word at `end` unless that would make it empty.
    @inline(__always)
    mutating func emit(_ end: Int) {
        if end > previous {
            ends.append(Int32(end))
            previous = end
        }
    }
}

/// Read-only view of a text fragment as Unicode scalars and their classes, for the split passes.
struct ScalarView {
    let scalars: UnsafeBufferPointer<UInt32>
    let flags: UnsafeBufferPointer<CodepointFlags>

    @inline(__always) func scalar(_ index: Int) -> UInt32 { scalars[index] }
    @inline(__always) func flags(_ index: Int) -> CodepointFlags { flags[index] }

    @inline(__always)
    func isNewline(_ index: Int) -> Bool {
        let value = scalars[index]
        return value == 0x0A || value == 0x0D
    }
}

/// A character class of the simple regexes in llama.cpp's pre-tokenizer lists.
enum ScalarClass {
    /// `\p{N}`
    case number
    /// `[\r\n]`
    case newline
    /// `\p{L}`
    case letter
    /// `\p{P}`
    case punctuation
    /// `[\p{P}\$\+<=>\^~\|]` (llama.cpp's default list)
    case punctuationAndDefaultSymbols
    /// `[\p{P}\$\+<=>\^~\|`]` (Falcon)
    case punctuationAndFalconSymbols
    /// `[一-龥ࠀ-一가-퟿]` (DeepSeek)
    case deepseekCJK
    /// `[^(\s|.,!?…。，、।۔،)]` (BLOOM)
    case bloomWordCharacter

    @inline(__always)
    func contains(_ value: UInt32, _ flags: CodepointFlags) -> Bool {
        switch self {
        case .number:
            return flags.isNumber
        case .newline:
            return value == 0x0A || value == 0x0D
        case .letter:
            return flags.isLetter
        case .punctuation:
            return flags.isPunctuation
        case .punctuationAndDefaultSymbols:
            return flags.isPunctuation || Self.isDefaultSymbol(value)
        case .punctuationAndFalconSymbols:
            return flags.isPunctuation || Self.isDefaultSymbol(value) || value == 0x60
        case .deepseekCJK:
            return (0x4E00...0x9FA5).contains(value) || (0x0800...0x4E00).contains(value)
                || (0xAC00...0xD7FF).contains(value)
        case .bloomWordCharacter:
            return !flags.isWhitespace && !Self.isBloomBreak(value)
        }
    }

    /// `$ + < = > ^ ~ |`
    private static func isDefaultSymbol(_ value: UInt32) -> Bool {
        switch value {
        case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C: return true
        default: return false
        }
    }

    /// `( | ) . , ! ? … 。 ， 、 । ۔ ،`
    private static func isBloomBreak(_ value: UInt32) -> Bool {
        switch value {
        case 0x28, 0x7C, 0x29, 0x2E, 0x2C, 0x21, 0x3F, 0x2026, 0x3002, 0xFF0C, 0x3001, 0x0964, 0x06D4, 0x060C:
            return true
        default:
            return false
        }
    }
}
