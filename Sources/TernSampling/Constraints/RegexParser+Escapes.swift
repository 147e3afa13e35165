/// Character classes and escapes of the regex subset.
extension RegexParser {
    /// `[...]` starting at `[`.
    mutating func parseClass() throws(GrammarError) -> CodePointSet {
        let open = index
        index += 1
        var negated = false
        if isChar(peek(), "^") {
            negated = true
            index += 1
        }
        var set = CodePointSet()
        var first = true
        while true {
            guard let c = peek() else { throw .invalidRegex(offset: open, reason: "unterminated character set") }
            if c == UInt32(UInt8(ascii: "]")), !first {
                index += 1
                break
            }
            first = false
            let itemStart = index
            let low = try parseClassAtom()
            if isChar(peek(), "-"), let after = peek(1), after != UInt32(UInt8(ascii: "]")) {
                index += 1
                let high = try parseClassAtom()
                guard case .scalar(let a) = low, case .scalar(let b) = high, a <= b else {
                    throw .invalidRegex(offset: itemStart, reason: "bad character range")
                }
                set.insert(a...b)
            } else {
                switch low {
                case .scalar(let a): set.insert(a...a)
                case .set(let s): set.formUnion(s)
                }
            }
        }
        return negated ? set.inverted : set
    }

    enum ClassAtom {
        case scalar(UInt32)
        case set(CodePointSet)
    }

    private mutating func parseClassAtom() throws(GrammarError) -> ClassAtom {
        guard let c = peek() else { throw .invalidRegex(offset: index, reason: "unterminated character set") }
        guard c == UInt32(UInt8(ascii: "\\")) else {
            index += 1
            return .scalar(c)
        }
        let set = try parseEscape(inClass: true)
        if set.ranges.count == 1, set.ranges[0].count == 1 { return .scalar(set.ranges[0].lowerBound) }
        return .set(set)
    }

    /// An escape starting at `\`: a single scalar (as a one-element set) or a class.
    mutating func parseEscape(inClass: Bool) throws(GrammarError) -> CodePointSet {
        let start = index
        index += 1
        guard let c = peek() else { throw .invalidRegex(offset: start, reason: "bad escape (end of pattern)") }
        index += 1
        guard c < 0x80, let ascii = Unicode.Scalar(c).map(Character.init) else { return CodePointSet(c) }
        switch ascii {
        case "d": return RegexClasses.digit
        case "D": return RegexClasses.digit.inverted
        case "w": return RegexClasses.word
        case "W": return RegexClasses.word.inverted
        case "s": return RegexClasses.space
        case "S": return RegexClasses.space.inverted
        case "n": return CodePointSet(0x0A)
        case "t": return CodePointSet(0x09)
        case "r": return CodePointSet(0x0D)
        case "f": return CodePointSet(0x0C)
        case "v": return CodePointSet(0x0B)
        case "a": return CodePointSet(0x07)
        case "b" where inClass: return CodePointSet(0x08)
        case "x": return CodePointSet(try hexDigits(2, escapeStart: start))
        case "u": return CodePointSet(try hexDigits(4, escapeStart: start))
        case "U":
            let value = try hexDigits(8, escapeStart: start)
            guard value <= CodePointSet.maxScalar else { throw .invalidRegex(offset: start, reason: "bad escape \\U") }
            return CodePointSet(value)
        case "0":
            return CodePointSet(octal(first: 0, maxMore: 2))
        case "1"..."7" where inClass:
            return CodePointSet(octal(first: c - 0x30, maxMore: 2))
        case "1"..."9":
            // Three octal digits are an octal escape; anything else is a group reference.
            if (0x31...0x37).contains(c), let d1 = peek(), let d2 = peek(1), (0x30...0x37).contains(d1),
                (0x30...0x37).contains(d2)
            {
                return CodePointSet(octal(first: c - 0x30, maxMore: 2))
            }
            throw .unsupportedRegex(offset: start, construct: "back-reference")
        case "b", "B": throw .unsupportedRegex(offset: start, construct: "word-boundary assertion \\\(ascii)")
        case "A", "Z", "z": throw .unsupportedRegex(offset: start, construct: "anchor \\\(ascii)")
        case "p", "P": throw .unsupportedRegex(offset: start, construct: "Unicode property \\\(ascii)")
        case "N": throw .unsupportedRegex(offset: start, construct: "named character \\N")
        default:
            if ascii.isLetter || ascii.isNumber {
                throw .invalidRegex(offset: start, reason: "bad escape \\\(ascii)")
            }
            return CodePointSet(c)
        }
    }

    private mutating func hexDigits(_ count: Int, escapeStart: Int) throws(GrammarError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let c = peek(), let digit = Self.hexValue(c) else {
                throw .invalidRegex(offset: escapeStart, reason: "incomplete escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private static func hexValue(_ c: UInt32) -> UInt32? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    private mutating func octal(first: UInt32, maxMore: Int) -> UInt32 {
        var value = first
        var more = 0
        while more < maxMore, let c = peek(), (0x30...0x37).contains(c) {
            value = value * 8 + (c - 0x30)
            index += 1
            more += 1
        }
        return min(value, 0xFF)
    }
}
