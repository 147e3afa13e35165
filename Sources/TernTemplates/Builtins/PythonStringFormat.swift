import Foundation

/// Python's two string-formatting mini languages: `'%s: %d' % (a, b)` (also the `format` filter)
/// and `'{}: {name}'.format(a, name=b)`. The common conversions are supported; anything else
/// fails with a clear error instead of printing something different from Python.
extension StringMethods {
    static func percentFormat(_ format: String, _ arguments: Value) throws(TemplateError) -> String {
        var positional: [Value]
        var mapping: ValueDict?
        switch arguments {
        case .tuple(let items): positional = items
        case .dict(let dict):
            positional = [arguments]
            mapping = dict
        default: positional = [arguments]
        }
        let scalars = Array(format.unicodeScalars)
        var result = ""
        var index = 0
        var usedMapping = false
        func fail(_ message: String) -> TemplateError { .runtime(message) }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            guard scalar == "%" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard index < scalars.count else { throw fail("incomplete format") }
            var value: Value?
            if scalars[index] == "(" {
                guard let close = scalars[index...].firstIndex(of: ")"), let mapping else {
                    throw fail("format requires a mapping")
                }
                let key = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                guard let found = mapping[key] else { throw .runtime("KeyError: '\(key)'") }
                value = found
                usedMapping = true
                index = close + 1
            }
            var spec = FormatSpec(alignment: .right)  // printf-style pads on the left unless `-`
            while index < scalars.count, "-+ 0#".unicodeScalars.contains(scalars[index]) {
                switch scalars[index] {
                case "-": spec.alignment = .left
                case "0": spec.zeroPad = true
                case "+": spec.sign = "+"
                case " ": spec.sign = " "
                default: break
                }
                index += 1
            }
            spec.width = readNumber(scalars, &index)
            if index < scalars.count, scalars[index] == "." {
                index += 1
                spec.precision = readNumber(scalars, &index) ?? 0
            }
            guard index < scalars.count else { throw fail("incomplete format") }
            let conversion = scalars[index]
            index += 1
            if conversion == "%" {
                result += "%"
                continue
            }
            if value == nil {
                guard !positional.isEmpty else { throw fail("not enough arguments for format string") }
                value = positional.removeFirst()
            }
            spec.type = conversion
            result += try render(value ?? .none, spec)
        }
        // Python skips this check when the argument is subscriptable but not a tuple (a list or dict).
        var subscriptable = false
        if case .list = arguments { subscriptable = true }
        if case .undefined = arguments { subscriptable = true }
        if mapping == nil, !subscriptable, !positional.isEmpty, !usedMapping {
            throw fail("not all arguments converted during string formatting")
        }
        return result
    }

    private static func readNumber(_ scalars: [Unicode.Scalar], _ index: inout Int) -> Int? {
        var digits = ""
        while index < scalars.count, ("0"..."9").contains(scalars[index]) {
            digits.unicodeScalars.append(scalars[index])
            index += 1
        }
        return Int(digits)
    }

    /// One conversion's options, shared by both mini languages.
    struct FormatSpec {
        var fill: String = " "
        var alignment: Alignment?
        var sign: Unicode.Scalar?
        var zeroPad = false
        var width: Int?
        var precision: Int?
        var type: Unicode.Scalar = "s"
    }

    static func render(_ value: Value, _ spec: FormatSpec) throws(TemplateError) -> String {
        var text: String
        var isNumber = false
        switch spec.type {
        case "s", "r", "a":
            text = spec.type == "s" ? value.pythonString : value.pythonRepr
            if let precision = spec.precision { text = String(text.unicodeScalars.prefix(precision)) }
        case "d", "i", "u", "x", "X", "o", "b", "c":
            guard let number = value.numericValue, number.isFinite else {
                throw .runtime("%\(spec.type) format: a real number is required, not \(value.typeName)")
            }
            let integer = value.integerValue ?? Int(number.rounded(.towardZero))
            isNumber = true
            switch spec.type {
            case "x": text = String(integer, radix: 16)
            case "X": text = String(integer, radix: 16).uppercased()
            case "o": text = String(integer, radix: 8)
            case "b": text = String(integer, radix: 2)
            case "c": text = Unicode.Scalar(UInt32(clamping: integer)).map { String($0) } ?? ""
            default: text = String(integer)
            }
        case "f", "F", "e", "E", "g", "G", "%":
            guard var number = value.numericValue else {
                throw .runtime("format requires a real number, not \(value.typeName)")
            }
            isNumber = true
            if spec.type == "%" { number *= 100 }
            let letter = spec.type == "%" ? "f" : String(spec.type)
            text = String(format: "%.\(spec.precision ?? 6)\(letter)", number)
            if spec.type == "%" { text += "%" }
        default:
            throw .runtime("unsupported format character '\(spec.type)'")
        }
        if isNumber, let sign = spec.sign, !text.hasPrefix("-") { text = String(sign) + text }
        guard let width = spec.width else { return text }
        if spec.zeroPad && isNumber && spec.alignment != .left && spec.alignment != .center {
            let negative = text.hasPrefix("-") || text.hasPrefix("+") || text.hasPrefix(" ")
            let body = negative ? String(text.dropFirst()) : text
            return (negative ? String(text.prefix(1)) : "")
                + pad(body, width: width - (negative ? 1 : 0), fill: "0", alignment: .right)
        }
        let alignment = spec.alignment ?? (isNumber ? .right : .left)
        return pad(text, width: width, fill: spec.fill, alignment: alignment)
    }

    /// `str.format`: `{}`, `{0}`, `{name}`, `{0[key]}`, `{name.attr}`, `!r`/`!s` and a spec of
    /// `[[fill]align][sign][0][width][.precision][type]`.
    static func braceFormat(_ format: String, _ arguments: Arguments) throws(TemplateError) -> String {
        let scalars = Array(format.unicodeScalars)
        var result = ""
        var index = 0
        var automatic = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "{", index + 1 < scalars.count, scalars[index + 1] == "{" {
                result += "{"
                index += 2
                continue
            }
            if scalar == "}" {
                guard index + 1 < scalars.count, scalars[index + 1] == "}" else {
                    throw .runtime("Single '}' encountered in format string")
                }
                result += "}"
                index += 2
                continue
            }
            guard scalar == "{" else {
                result.unicodeScalars.append(scalar)
                index += 1
                continue
            }
            guard let close = scalars[index...].firstIndex(of: "}") else {
                throw .runtime("Single '{' encountered in format string")
            }
            var field = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
            index = close + 1
            var specText = ""
            if let colon = field.firstIndex(of: ":") {
                specText = String(field[field.index(after: colon)...])
                field = String(field[..<colon])
            }
            var conversion: Character?
            if let bang = field.firstIndex(of: "!") {
                conversion = field[field.index(after: bang)...].first
                field = String(field[..<bang])
            }
            var value = try lookupField(field, arguments, &automatic)
            if conversion == "r" { value = .string(value.pythonRepr) }
            result += try render(value, try parseBraceSpec(specText, for: value))
        }
        return result
    }

    private static func lookupField(_ field: String, _ arguments: Arguments, _ automatic: inout Int)
        throws(TemplateError) -> Value
    {
        let head = field.prefix { $0 != "." && $0 != "[" }
        var value: Value
        if head.isEmpty {
            guard automatic < arguments.positional.count else {
                throw .runtime("Replacement index \(automatic) out of range")
            }
            value = arguments.positional[automatic]
            automatic += 1
        } else if let position = Int(head) {
            guard position < arguments.positional.count else {
                throw .runtime("Replacement index \(position) out of range")
            }
            value = arguments.positional[position]
        } else {
            guard let found = arguments.keyword(String(head)) else { throw .runtime("KeyError: '\(head)'") }
            value = found
        }
        var rest = field.dropFirst(head.count)
        while let first = rest.first {
            let isItem = first == "["
            rest = rest.dropFirst()
            let name = rest.prefix { $0 != "." && $0 != "[" && $0 != "]" }
            rest = rest.dropFirst(name.count)
            if isItem { rest = rest.drop { $0 == "]" } }
            if case .dict(let dict) = value, let found = dict[String(name)] {
                value = found
            } else if let position = Int(name), let items = value.iterationItems, position >= 0, position < items.count
            {
                value = items[position]
            } else {
                throw .runtime("cannot resolve '\(name)' in format field")
            }
        }
        return value
    }

    private static func parseBraceSpec(_ text: String, for value: Value) throws(TemplateError) -> FormatSpec {
        var spec = FormatSpec()
        var scalars = Array(text.unicodeScalars)[...]
        func alignment(_ scalar: Unicode.Scalar) -> Alignment? {
            switch scalar {
            case "<": .left
            case ">": .right
            case "^": .center
            default: nil
            }
        }
        if scalars.count >= 2, let align = alignment(scalars[scalars.startIndex + 1]) {
            spec.fill = String(scalars[scalars.startIndex])
            spec.alignment = align
            scalars = scalars.dropFirst(2)
        } else if let first = scalars.first, let align = alignment(first) {
            spec.alignment = align
            scalars = scalars.dropFirst()
        }
        if let first = scalars.first, first == "+" || first == "-" || first == " " {
            spec.sign = first == "-" ? nil : first
            scalars = scalars.dropFirst()
        }
        if scalars.first == "0" {
            spec.zeroPad = true
            scalars = scalars.dropFirst()
        }
        var array = Array(scalars)
        var index = 0
        spec.width = readNumber(array, &index)
        if index < array.count, array[index] == "." {
            index += 1
            spec.precision = readNumber(array, &index)
        }
        array = Array(array[index...])
        switch array.count {
        case 0:
            if case .double = value { spec.type = spec.precision == nil ? "r" : "g" } else { spec.type = "s" }
            if value.integerValue != nil, case .bool = value {} else if value.integerValue != nil { spec.type = "d" }
        case 1: spec.type = array[0]
        default: throw .runtime("Invalid format specifier '\(text)'")
        }
        return spec
    }
}
