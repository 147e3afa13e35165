/// How Python prints values: `str()` for `{{ }}` output and the `string` filter, `repr()` inside
/// containers. Chat templates print lists and dicts this way (`{{ tools }}`), so it must match.
extension Value {
    /// Python's `str(value)`; undefined prints as "".
    var pythonString: String {
        switch self {
        case .undefined: ""
        case .string(let string): string
        default: pythonRepr
        }
    }

    /// Python's `repr(value)`.
    var pythonRepr: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "None"
        case .bool(let bool): bool ? "True" : "False"
        case .int(let int): String(int)
        case .double(let double): formatPythonFloat(double)
        case .string(let string): pythonStringRepr(string)
        case .list(let items): "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .tuple(let items):
            items.count == 1 ? "(\(items[0].pythonRepr),)" : "(" + items.map(\.pythonRepr).joined(separator: ", ") + ")"
        case .dict(let dict):
            "{" + dict.entries.map { pythonStringRepr($0.key) + ": " + $0.value.pythonRepr }.joined(separator: ", ")
                + "}"
        case .namespace(let namespace):
            "<Namespace " + Value.dict(namespace.attributes).pythonRepr + ">"
        case .function(let function): "<function \(function.name)>"
        case .loop(let loop): "<LoopContext \(loop.index0 + 1)/\(loop.length)>"
        case .iterator(let iterator): "<\(iterator.typeName) object>"
        }
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in positional notation when the
/// decimal exponent is in [-4, 16), otherwise scientific with at least two exponent digits.
func formatPythonFloat(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
    // Swift's description also prints the shortest round-trip digits; only the layout differs.
    var text = "\(value.magnitude)"
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exponent = Int(text[text.index(after: e)...]) ?? 0
        text = String(text[..<e])
    }
    var digits = text.filter(\.isNumber)
    let pointPosition = (text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? text.count)
    var decimalPoint = pointPosition + exponent
    // Normalize: no leading or trailing zeros in the digit string.
    while digits.count > 1, digits.first == "0" {
        digits.removeFirst()
        decimalPoint -= 1
    }
    while digits.count > 1, digits.last == "0" {
        digits.removeLast()
    }
    let sign = value < 0 ? "-" : ""
    let scientificExponent = decimalPoint - 1
    if scientificExponent >= -4 && scientificExponent < 16 {
        if decimalPoint <= 0 {
            return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits
        }
        if decimalPoint >= digits.count {
            return sign + digits + String(repeating: "0", count: decimalPoint - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: decimalPoint)
        return sign + digits[..<split] + "." + digits[split...]
    }
    let mantissa = digits.count > 1 ? String(digits.prefix(1)) + "." + digits.dropFirst() : digits
    let exponentText = String(abs(scientificExponent))
    let paddedExponent = exponentText.count < 2 ? "0" + exponentText : exponentText
    return sign + mantissa + "e" + (scientificExponent < 0 ? "-" : "+") + paddedExponent
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote,
/// backslash escapes for quotes, backslashes, control and non-printable characters.
func pythonStringRepr(_ string: String) -> String {
    let quote: Unicode.Scalar = string.contains("'") && !string.contains("\"") ? "\"" : "'"
    var result = String(quote)
    for scalar in string.unicodeScalars {
        switch scalar {
        case quote, "\\":
            result += "\\" + String(scalar)
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if isPythonPrintable(scalar) {
                result.unicodeScalars.append(scalar)
            } else if scalar.value < 0x100 {
                result += "\\x" + hex(scalar.value, width: 2)
            } else if scalar.value < 0x10000 {
                result += "\\u" + hex(scalar.value, width: 4)
            } else {
                result += "\\U" + hex(scalar.value, width: 8)
            }
        }
    }
    result.unicodeScalars.append(quote)
    return result
}

/// Python's `str.isprintable()` for one character: not a control, format, surrogate, private-use,
/// unassigned or separator character, except the ASCII space.
func isPythonPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
        .spaceSeparator:
        return false
    default:
        return true
    }
}

func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
