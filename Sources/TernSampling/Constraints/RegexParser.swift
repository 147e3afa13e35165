/// Parses the supported regex subset (Python `re` syntax, Friendli's rules): literals and
/// escapes, `.`, classes with ranges and negation, `\d \w \s` (ASCII) and their negations,
/// groups (capturing, `(?:…)`, named), alternation, and the quantifiers `* + ? {m} {m,}
/// {,n} {m,n}` (lazy forms too). Anchors, look-arounds, back-references, inline flags,
/// possessive and atomic forms are rejected by name.
///
/// `.fullMatch` is the `regex` response format: the whole output must match; `^` at the start
/// and `$` at the end are allowed and mean nothing more. `.search` is a JSON Schema `pattern`:
/// it matches anywhere unless anchored by a leading `^` / trailing `$`, and `.` excludes all
/// line terminators (so the result is right under both Python and ECMA-262 semantics).
struct RegexParser {
    enum Mode {
        case fullMatch
        case search
    }

    static let maxRepeat = 10_000
    static let maxGroupDepth = 100

    let scalars: [UInt32]
    let mode: Mode
    var index = 0
    private var depth = 0

    static func parse(_ pattern: String, mode: Mode) throws(GrammarError) -> RegexAST {
        var parser = RegexParser(scalars: pattern.unicodeScalars.map(\.value), mode: mode)
        let ast = try parser.parseAlternation(topLevel: true)
        if parser.index < parser.scalars.count {
            throw .invalidRegex(offset: parser.index, reason: "unbalanced parenthesis")
        }
        return ast
    }

    private init(scalars: [UInt32], mode: Mode) {
        self.scalars = scalars
        self.mode = mode
    }

    func peek(_ offset: Int = 0) -> UInt32? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    func isChar(_ scalar: UInt32?, _ char: Unicode.Scalar) -> Bool { scalar == char.value }

    // MARK: - Structure

    private mutating func parseAlternation(topLevel: Bool) throws(GrammarError) -> RegexAST {
        var branches = [try parseConcat(topLevel: topLevel)]
        while isChar(peek(), "|") {
            index += 1
            branches.append(try parseConcat(topLevel: topLevel))
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func parseConcat(topLevel: Bool) throws(GrammarError) -> RegexAST {
        var items: [RegexAST] = []
        var anchoredStart = false
        var anchoredEnd = false
        while let c = peek(), c != UInt32(UInt8(ascii: "|")), c != UInt32(UInt8(ascii: ")")) {
            if c == UInt32(UInt8(ascii: "^")) {
                guard topLevel, items.isEmpty, !anchoredStart else {
                    throw .unsupportedRegex(offset: index, construct: "'^' anchor other than at the start")
                }
                anchoredStart = true
                index += 1
                continue
            }
            if c == UInt32(UInt8(ascii: "$")) {
                let next = peek(1)
                guard topLevel, next == nil || isChar(next, "|") else {
                    throw .unsupportedRegex(offset: index, construct: "'$' anchor other than at the end")
                }
                anchoredEnd = true
                index += 1
                continue
            }
            items.append(try parseQuantified())
        }
        let body = items.count == 1 ? items[0] : RegexAST.concat(items)
        guard topLevel, mode == .search else { return body }
        let anything = RegexAST.repeated(.set(.any), min: 0, max: nil)
        return .concat((anchoredStart ? [] : [anything]) + [body] + (anchoredEnd ? [] : [anything]))
    }

    private mutating func parseQuantified() throws(GrammarError) -> RegexAST {
        var atom = try parseAtom()
        var quantified = false
        while let bounds = try parseQuantifier() {
            if quantified { throw .invalidRegex(offset: index, reason: "multiple repeat") }
            quantified = true
            if isChar(peek(), "?") {
                index += 1  // lazy: same language
            } else if isChar(peek(), "+") {
                throw .unsupportedRegex(offset: index, construct: "possessive quantifier")
            }
            atom = .repeated(atom, min: bounds.min, max: bounds.max)
        }
        return atom
    }

    /// A quantifier at the current position, or nil (a `{` that is not one is a literal).
    private mutating func parseQuantifier() throws(GrammarError) -> (min: Int, max: Int?)? {
        guard let c = peek() else { return nil }
        switch c {
        case UInt32(UInt8(ascii: "*")):
            index += 1
            return (0, nil)
        case UInt32(UInt8(ascii: "+")):
            index += 1
            return (1, nil)
        case UInt32(UInt8(ascii: "?")):
            index += 1
            return (0, 1)
        case UInt32(UInt8(ascii: "{")):
            return try parseBraces()
        default:
            return nil
        }
    }

    private mutating func parseBraces() throws(GrammarError) -> (min: Int, max: Int?)? {
        let start = index
        var i = index + 1
        func number(_ i: inout Int) -> Int? {
            var value = 0
            var digits = 0
            while i < scalars.count, (0x30...0x39).contains(scalars[i]) {
                value = min(value * 10 + Int(scalars[i] - 0x30), Int(Int32.max))
                digits += 1
                i += 1
            }
            return digits > 0 ? value : nil
        }
        let low = number(&i)
        var high: Int?
        var hasComma = false
        if i < scalars.count, scalars[i] == UInt32(UInt8(ascii: ",")) {
            hasComma = true
            i += 1
            high = number(&i)
        } else {
            high = low
        }
        guard i < scalars.count, scalars[i] == UInt32(UInt8(ascii: "}")), low != nil || hasComma else { return nil }
        let minimum = low ?? 0
        let maximum = hasComma ? high : low
        if let maximum, maximum < minimum {
            throw .invalidRegex(offset: start, reason: "min repeat greater than max repeat")
        }
        guard minimum <= Self.maxRepeat, (maximum ?? 0) <= Self.maxRepeat else {
            throw .tooComplex("regex repetition count above \(Self.maxRepeat)")
        }
        index = i + 1
        return (minimum, maximum)
    }

    private mutating func parseAtom() throws(GrammarError) -> RegexAST {
        guard let c = peek() else { throw .invalidRegex(offset: index, reason: "unexpected end of pattern") }
        switch c {
        case UInt32(UInt8(ascii: "(")):
            return try parseGroup()
        case UInt32(UInt8(ascii: "[")):
            return .set(try parseClass())
        case UInt32(UInt8(ascii: ".")):
            index += 1
            let newlines: CodePointSet =
                mode == .search ? CodePointSet([0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]) : CodePointSet(0x0A)
            return .set(CodePointSet.any.subtracting(newlines))
        case UInt32(UInt8(ascii: "\\")):
            return .set(try parseEscape(inClass: false))
        case UInt32(UInt8(ascii: "*")), UInt32(UInt8(ascii: "+")), UInt32(UInt8(ascii: "?")):
            throw .invalidRegex(offset: index, reason: "nothing to repeat")
        case UInt32(UInt8(ascii: "{")):
            let save = index
            if try parseBraces() != nil {
                throw .invalidRegex(offset: save, reason: "nothing to repeat")
            }
            index = save + 1
            return .literal(c)
        default:
            index += 1
            return .literal(c)
        }
    }

    private mutating func parseGroup() throws(GrammarError) -> RegexAST {
        let open = index
        index += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxGroupDepth else {
            throw .tooComplex("regex groups nested deeper than \(Self.maxGroupDepth)")
        }
        if isChar(peek(), "?") {
            let next = peek(1)
            if isChar(next, ":") {
                index += 2
            } else if isChar(next, "P"), isChar(peek(2), "<") {
                index += 3
                try skipGroupName(open)
            } else if isChar(next, "<"), !isChar(peek(2), "="), !isChar(peek(2), "!") {
                index += 2
                try skipGroupName(open)
            } else if isChar(next, "=") || isChar(next, "!") {
                throw .unsupportedRegex(offset: open, construct: "look-ahead")
            } else if isChar(next, "<") {
                throw .unsupportedRegex(offset: open, construct: "look-behind")
            } else if isChar(next, "P"), isChar(peek(2), "=") {
                throw .unsupportedRegex(offset: open, construct: "back-reference")
            } else if isChar(next, ">") {
                throw .unsupportedRegex(offset: open, construct: "atomic group")
            } else if isChar(next, "(") {
                throw .unsupportedRegex(offset: open, construct: "conditional group")
            } else if isChar(next, "#") {
                throw .unsupportedRegex(offset: open, construct: "comment group")
            } else {
                throw .unsupportedRegex(offset: open, construct: "inline flags")
            }
        }
        let inner = try parseAlternation(topLevel: false)
        guard isChar(peek(), ")") else {
            throw .invalidRegex(offset: open, reason: "missing ), unterminated subpattern")
        }
        index += 1
        return inner
    }

    private mutating func skipGroupName(_ open: Int) throws(GrammarError) {
        var length = 0
        while let c = peek(), c != UInt32(UInt8(ascii: ">")) {
            let isWord = RegexClasses.word.contains(c) || c > 0x7F
            guard isWord, !(length == 0 && (0x30...0x39).contains(c)) else {
                throw .invalidRegex(offset: index, reason: "bad character in group name")
            }
            length += 1
            index += 1
        }
        guard length > 0, isChar(peek(), ">") else { throw .invalidRegex(offset: open, reason: "bad group name") }
        index += 1
    }
}
