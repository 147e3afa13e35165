/// Tokens inside `{{ ... }}` and `{% ... %}`: names, literals and operators.
extension Lexer {
    /// Lexes up to and including the tag's end. The end only counts outside brackets, so
    /// `{{ {'a': {'b': 1}} }}` works.
    mutating func lexTagContents(isBlock: Bool, openedAt start: Int) throws(TemplateError) {
        var brackets: [(closer: Unicode.Scalar, index: Int)] = []
        while true {
            position = skippingWhitespace(from: position)
            guard position < scalars.count else {
                if let open = brackets.last {
                    throw syntaxError("unclosed '\(bracketOpener(for: open.closer))'", at: open.index)
                }
                throw syntaxError(
                    "missing end of \(isBlock ? "statement block '%}'" : "print statement '}}'")", at: start)
            }
            let endIndex = position
            if brackets.isEmpty, consumeTagEnd(at: endIndex, isBlock: isBlock) {
                emit(isBlock ? .blockEnd : .variableEnd, at: endIndex)
                return
            }
            let scalar = scalars[position]
            if let number = try lexNumber() {
                emit(number.kind, at: number.start)
            } else if isIdentifierStart(scalar) {
                let begin = position
                position += 1
                while position < scalars.count, isIdentifierContinue(scalars[position]) { position += 1 }
                emit(.name(text(from: begin, to: position)), at: begin)
            } else if scalar == "'" || scalar == "\"" {
                let begin = position
                emit(.string(try lexString()), at: begin)
            } else if let op = lexOperator() {
                try balance(op, brackets: &brackets, at: position - op.rawValue.unicodeScalars.count)
            } else {
                throw syntaxError("unexpected character '\(Character(scalar))'", at: position)
            }
        }
    }

    private func bracketOpener(for closer: Unicode.Scalar) -> String {
        switch closer {
        case ")": "("
        case "]": "["
        default: "{"
        }
    }

    private mutating func balance(
        _ op: Operator, brackets: inout [(closer: Unicode.Scalar, index: Int)], at index: Int
    ) throws(TemplateError) {
        switch op {
        case .lparen: brackets.append((")", index))
        case .lbracket: brackets.append(("]", index))
        case .lbrace: brackets.append(("}", index))
        case .rparen, .rbracket, .rbrace:
            let closer = op.rawValue.unicodeScalars.first ?? "?"
            guard let expected = brackets.popLast() else {
                throw syntaxError("unexpected '\(op.rawValue)'", at: index)
            }
            guard expected.closer == closer else {
                throw syntaxError("unexpected '\(op.rawValue)', expected '\(Character(expected.closer))'", at: index)
            }
        default:
            break
        }
        emit(.op(op), at: index)
    }

    private func text(from start: Int, to end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isXIDStart
    }

    private func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isXIDContinue
    }

    private func isDigit(_ index: Int) -> Bool {
        index < scalars.count && ("0"..."9").contains(scalars[index])
    }

    /// Digits with single `_` separators (`1_000`); returns the index after them.
    private func digitRun(from index: Int) -> Int? {
        guard isDigit(index) else { return nil }
        var cursor = index + 1
        while true {
            if isDigit(cursor) {
                cursor += 1
            } else if cursor < scalars.count, scalars[cursor] == "_", isDigit(cursor + 1) {
                cursor += 2
            } else {
                return cursor
            }
        }
    }

    /// A float (`1.5`, `2e3`) or integer (`42`, `0x1F`, `0b101`) literal, if one starts here.
    private mutating func lexNumber() throws(TemplateError) -> (kind: TokenKind, start: Int)? {
        let start = position
        guard let integerEnd = digitRun(from: start) else { return nil }
        // jinja2 does not read a float right after a dot (`foo.0.1` is two subscripts).
        let afterDot = start > 0 && scalars[start - 1] == "."
        if !afterDot, let floatEnd = floatEnd(afterDigits: integerEnd) {
            let literal = text(from: start, to: floatEnd).replacing("_", with: "")
            guard let value = Double(literal) else { throw syntaxError("invalid float literal", at: start) }
            position = floatEnd
            return (.float(value), start)
        }
        if scalars[start] == "0", start + 1 < scalars.count,
            let radix = ["b": 2, "B": 2, "o": 8, "O": 8, "x": 16, "X": 16][Character(scalars[start + 1])]
        {
            var cursor = start + 2
            var digits = ""
            while cursor < scalars.count {
                let scalar = scalars[cursor]
                if scalar == "_" {
                    cursor += 1
                    continue
                }
                guard let digit = Int(String(scalar), radix: radix) else { break }
                digits += String(digit, radix: radix)
                cursor += 1
            }
            if let value = Int(digits, radix: radix) {
                position = cursor
                return (.integer(value), start)
            }
        }
        if scalars[start] == "0" {
            // Like jinja2, `0` followed by more zeros is one literal; `07` is `0` then `7`.
            var cursor = start + 1
            while cursor < scalars.count, scalars[cursor] == "0" || scalars[cursor] == "_" { cursor += 1 }
            position = cursor
            return (.integer(0), start)
        }
        let literal = text(from: start, to: integerEnd).replacing("_", with: "")
        guard let value = Int(literal) else { throw syntaxError("integer literal \(literal) is too large", at: start) }
        position = integerEnd
        return (.integer(value), start)
    }

    private func floatEnd(afterDigits index: Int) -> Int? {
        var cursor = index
        var hasFraction = false
        if cursor < scalars.count, scalars[cursor] == ".", let fractionEnd = digitRun(from: cursor + 1) {
            cursor = fractionEnd
            hasFraction = true
        }
        if cursor < scalars.count, scalars[cursor] == "e" || scalars[cursor] == "E" {
            var exponent = cursor + 1
            if exponent < scalars.count, scalars[exponent] == "+" || scalars[exponent] == "-" { exponent += 1 }
            if let exponentEnd = digitRun(from: exponent) { return exponentEnd }
        }
        return hasFraction ? cursor : nil
    }

    private mutating func lexOperator() -> Operator? {
        for op in Operator.twoCharacter where matches(op.rawValue, at: position) {
            position += 2
            return op
        }
        guard let op = Operator(rawValue: String(scalars[position])) else { return nil }
        position += 1
        return op
    }

    /// A quoted string with Python's escapes (`\n`, `\t`, `\xhh`, `\uXXXX`, ...). Unknown escapes
    /// keep their backslash, as Python's `unicode-escape` codec does.
    private mutating func lexString() throws(TemplateError) -> String {
        let start = position
        let quote = scalars[position]
        position += 1
        var result = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == quote {
                position += 1
                return String(result)
            }
            if scalar == "\\" {
                position += 1
                guard position < scalars.count else { break }
                try appendEscape(to: &result, stringStart: start)
            } else {
                result.append(scalar)
                position += 1
            }
        }
        throw syntaxError("unterminated string", at: start)
    }

    private mutating func appendEscape(to result: inout String.UnicodeScalarView, stringStart: Int)
        throws(TemplateError)
    {
        let escape = scalars[position]
        position += 1
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n",
            "r": "\r", "t": "\t", "v": "\u{0B}",
        ]
        if let replacement = simple[escape] {
            result.append(replacement)
            return
        }
        switch escape {
        case "\n":
            return  // a backslash before a newline joins the lines
        case "x", "u", "U":
            let width = escape == "x" ? 2 : (escape == "u" ? 4 : 8)
            var value: UInt32 = 0
            for _ in 0..<width {
                guard position < scalars.count, scalars[position].isASCII,
                    let digit = hexDigitValue(UInt8(scalars[position].value))
                else {
                    throw syntaxError("truncated \\\(Character(escape)) escape in string", at: stringStart)
                }
                value = value * 16 + UInt32(digit)
                position += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw syntaxError("invalid \\\(Character(escape)) escape in string", at: stringStart)
            }
            result.append(scalar)
        case "0"..."7":
            var value = escape.value - 0x30
            var count = 1
            while count < 3, position < scalars.count, ("0"..."7").contains(scalars[position]) {
                value = value * 8 + scalars[position].value - 0x30
                position += 1
                count += 1
            }
            result.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        default:
            result.append("\\")
            result.append(escape)
        }
    }
}
