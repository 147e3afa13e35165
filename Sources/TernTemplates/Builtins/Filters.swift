import Foundation

/// jinja2's builtin filters, with transformers' `tojson`. Text and number filters live here,
/// collection filters in `CollectionFilters.swift`.
extension Interpreter {
    static let filterNames: Set<String> = [
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "first",
        "float", "forceescape", "format", "groupby", "indent", "int", "items", "join", "last", "length", "list",
        "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
        "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "wordcount",
    ]

    func applyFilters(_ filters: [NamedCall], to value: Value) throws(TemplateError) -> Value {
        var result = value
        for filter in filters {
            result = try applyFilter(filter.name, to: result, try evaluateArguments(filter.arguments))
        }
        return result
    }

    func applyFilter(_ name: String, to value: Value, _ arguments: Arguments) throws(TemplateError) -> Value {
        if let result = try textFilter(name, value, arguments) { return try checkSize(result) }
        if let result = try collectionFilter(name, value, arguments) { return try checkSize(result) }
        throw .runtime("no filter named '\(name)'")
    }

    /// The string jinja2's `soft_str` makes of a filter's input; undefined becomes "".
    private func text(_ value: Value) -> String {
        value.pythonString
    }

    private func textFilter(_ name: String, _ value: Value, _ arguments: Arguments) throws(TemplateError) -> Value? {
        switch name {
        case "trim":
            let chars = try StringMethods.optionalString(arguments.bind(name, ["chars"])[0], name)
            return .string(StringMethods.strip(text(value), chars: chars))
        case "upper":
            _ = try arguments.bind(name, [])
            return .string(text(value).uppercased())
        case "lower":
            _ = try arguments.bind(name, [])
            return .string(text(value).lowercased())
        case "capitalize":
            _ = try arguments.bind(name, [])
            return .string(StringMethods.capitalize(text(value)))
        case "title":
            _ = try arguments.bind(name, [])
            return .string(jinjaTitle(text(value)))
        case "string", "safe":
            _ = try arguments.bind(name, [])
            if case .string = value { return value }
            return .string(text(value))
        case "escape", "e", "forceescape":
            _ = try arguments.bind(name, [])
            return .string(htmlEscape(text(value)))
        case "replace":
            let bound = try arguments.bind(name, ["old", "new", "count"])
            guard let old = bound[0], let new = bound[1] else { throw .runtime("replace() requires old and new") }
            let count = try bound[2].map { (value) throws(TemplateError) in try StringMethods.requireInt(value, name) }
            return .string(StringMethods.replace(text(value), text(old), text(new), count: count ?? -1))
        case "indent":
            // jinja2 appends "\n" to the input, which only strings accept.
            guard case .string = try value.requireDefined() else {
                throw .runtime("unsupported operand type(s) for +=: '\(value.typeName)' and 'str'")
            }
            let bound = try arguments.bind(name, ["width", "first", "blank"], defaults: ["width": .int(4)])
            let indentation: String
            if case .string(let string)? = bound[0] {
                indentation = string
            } else {
                indentation = String(repeating: " ", count: max(0, try StringMethods.requireInt(bound[0], name)))
            }
            return .string(
                indent(text(value), indentation, first: bound[1]?.isTruthy ?? false, blank: bound[2]?.isTruthy ?? false)
            )
        case "center":
            let width = try arguments.bind(name, ["width"], defaults: ["width": .int(80)])[0]
            return .string(
                StringMethods.pad(
                    text(value), width: try StringMethods.requireInt(width, name), fill: " ", alignment: .center))
        case "wordcount":
            _ = try arguments.bind(name, [])
            return .int(wordCount(text(value)))
        case "truncate":
            // jinja2 measures the value itself: numbers have no length, short containers pass through.
            return try truncate(value, arguments)
        case "format":
            guard arguments.positional.isEmpty || arguments.keywords.isEmpty else {
                throw .runtime("can't handle positional and keyword arguments at the same time")
            }
            let values: Value =
                arguments.keywords.isEmpty
                ? .tuple(arguments.positional) : .dict(ValueDict(arguments.keywords.map { ($0.name, $0.value) }))
            return .string(try StringMethods.percentFormat(text(value), values))
        case "int":
            _ = try value.requireDefined()
            let bound = try arguments.bind(
                name, ["default", "base"], defaults: ["default": .int(0), "base": .int(10)])
            return toInt(value, default: bound[0] ?? .int(0), base: bound[1]?.integerValue ?? 10)
        case "float":
            _ = try value.requireDefined()
            let fallback = try arguments.bind(name, ["default"], defaults: ["default": .double(0)])[0] ?? .double(0)
            return toFloat(value) ?? fallback
        case "abs":
            _ = try arguments.bind(name, [])
            switch try value.requireDefined() {
            case .int(let int):
                guard int != .min else { throw .runtime("integer overflow") }
                return .int(abs(int))
            case .bool(let bool): return .int(bool ? 1 : 0)
            case .double(let double): return .double(abs(double))
            default: throw .runtime("bad operand type for abs(): '\(value.typeName)'")
            }
        case "round":
            return try round(value, arguments)
        case "tojson":
            return .string(try toJSON(value, arguments))
        default:
            return nil
        }
    }

    /// jinja2's `title`: a word starts after `-`, whitespace or an opening bracket.
    private func jinjaTitle(_ text: String) -> String {
        var result = ""
        var atWordStart = true
        for scalar in text.unicodeScalars {
            let isBoundary = StringMethods.isSpace(scalar) || "-({[<".unicodeScalars.contains(scalar)
            if isBoundary {
                result.unicodeScalars.append(scalar)
                atWordStart = true
            } else if atWordStart {
                result += String(scalar).uppercased()
                atWordStart = false
            } else {
                result += String(scalar).lowercased()
            }
        }
        return result
    }

    private func htmlEscape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&#34;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// jinja2's `indent`: the first line and blank lines stay unindented unless asked.
    private func indent(_ text: String, _ indentation: String, first: Bool, blank: Bool) -> String {
        let lines = StringMethods.splitLines(text + "\n", keepEnds: false)
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indentation)
        } else {
            result = lines.first ?? ""
            let rest = lines.dropFirst().map { $0.isEmpty ? $0 : indentation + $0 }
            if !rest.isEmpty { result += "\n" + rest.joined(separator: "\n") }
        }
        return first ? indentation + result : result
    }

    /// Runs of word characters (letters, digits, underscore), as Python's `\w+` counts them.
    private func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let isWord = scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if isWord && !inWord { count += 1 }
            inWord = isWord
        }
        return count
    }

    private func truncate(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> Value {
        let bound = try arguments.bind(
            "truncate", ["length", "killwords", "end", "leeway"],
            defaults: ["length": .int(255), "killwords": .bool(false), "end": .string("..."), "leeway": .int(5)])
        let length = try StringMethods.requireInt(bound[0], "truncate")
        let end = try StringMethods.requireString(bound[2], "truncate")
        let leeway = try StringMethods.requireInt(bound[3], "truncate")
        let endCount = end.unicodeScalars.count
        guard length >= endCount else { throw .runtime("expected length >= \(endCount), got \(length)") }
        let scalars: [Unicode.Scalar]
        switch value {
        case .string(let text): scalars = Array(text.unicodeScalars)
        case .undefined: return value  // its length is 0, so jinja2 returns it as is
        case .list(let items), .tuple(let items):
            // jinja2 measures the value itself: short containers pass through unchanged.
            guard items.count > length + leeway else { return value }
            throw .runtime("can only concatenate \(value.typeName) (not \"str\") to \(value.typeName)")
        case .dict(let dict):
            guard dict.count > length + leeway else { return value }
            throw .runtime("unhashable type: 'slice'")
        default:
            throw .runtime("object of type '\(value.typeName)' has no len()")
        }
        if scalars.count <= length + leeway { return .string(String(String.UnicodeScalarView(scalars))) }
        let kept = String(String.UnicodeScalarView(scalars.prefix(length - endCount)))
        if bound[1]?.isTruthy == true { return .string(kept + end) }
        return .string((try StringMethods.split(kept, separator: " ", limit: 1, fromRight: true).first ?? "") + end)
    }

    /// jinja2's `int`: Python's `int(value, base)`, then `int(float(value))`, then the default.
    private func toInt(_ value: Value, default fallback: Value, base: Int) -> Value {
        switch value {
        case .int, .bool: return .int(value.integerValue ?? 0)
        case .double(let double):
            guard double.isFinite, let integer = Int(exactly: double.rounded(.towardZero)) else { return fallback }
            return .int(integer)
        case .string(let string):
            if let integer = parsePythonInt(string, base: base) { return .int(integer) }
            if case .double(let double)? = toFloat(value) { return toInt(.double(double), default: fallback, base: 10) }
            return fallback
        default:
            return fallback
        }
    }

    /// Python's `int(text, base)`: surrounding whitespace, a sign, `_` between digits, and the
    /// `0x`/`0o`/`0b` prefix matching the base (any of them for base 0).
    private func parsePythonInt(_ text: String, base: Int) -> Int? {
        var digits = Substring(StringMethods.strip(text, chars: nil))
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix = base
        let prefixes: [(String, Int)] = [("0x", 16), ("0o", 8), ("0b", 2)]
        for (prefix, prefixRadix) in prefixes where digits.lowercased().hasPrefix(prefix) {
            if base == 0 || base == prefixRadix {
                radix = prefixRadix
                digits = digits.dropFirst(2)
                if digits.first == "_" { digits = digits.dropFirst() }
            }
        }
        if radix == 0 { radix = 10 }
        guard (2...36).contains(radix), !digits.isEmpty, digits.first != "_", digits.last != "_",
            !digits.contains("__")
        else { return nil }
        guard let magnitude = Int(digits.replacing("_", with: ""), radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// Python's `float(value)` for numbers and numeric strings; nil where Python raises.
    private func toFloat(_ value: Value) -> Value? {
        switch value {
        case .int, .bool, .double: return value.numericValue.map(Value.double)
        case .string(let string):
            let trimmed = StringMethods.strip(string, chars: nil).lowercased()
            switch trimmed {
            case "inf", "+inf", "infinity", "+infinity": return .double(.infinity)
            case "-inf", "-infinity": return .double(-.infinity)
            case "nan", "+nan", "-nan": return .double(.nan)
            default:
                guard !trimmed.isEmpty, trimmed.allSatisfy({ "0123456789.e+-_".contains($0) }) else { return nil }
                return Double(trimmed.replacing("_", with: "")).map(Value.double)
            }
        default:
            return nil
        }
    }

    private func round(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> Value {
        let bound = try arguments.bind(
            "round", ["precision", "method"], defaults: ["precision": .int(0), "method": .string("common")])
        let precision = try StringMethods.requireInt(bound[0], "round")
        let method = try StringMethods.requireString(bound[1], "round")
        guard ["common", "ceil", "floor"].contains(method) else {
            throw .runtime("method must be common, ceil or floor")
        }
        if method == "common", let integer = value.integerValue, precision >= 0 { return .int(integer) }
        guard let number = try value.requireDefined().numericValue else {
            throw .runtime("type \(value.typeName) doesn't define __round__ method")
        }
        let scale = pow(10.0, Double(precision))
        switch method {
        case "ceil": return .double((number * scale).rounded(.up) / scale)
        case "floor": return .double((number * scale).rounded(.down) / scale)
        default:
            // Python rounds the exact binary value to `precision` decimals, halves to even
            // (round(2.675, 2) is 2.67); printf's correctly rounded conversion does the same.
            guard number.isFinite else { return .double(number) }
            if precision >= 0 {
                return .double(Double(String(format: "%.\(min(precision, 300))f", number)) ?? number)
            }
            return .double((number * scale).rounded(.toNearestOrEven) / scale)
        }
    }

    private func toJSON(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> String {
        let bound = try arguments.bind("tojson", ["ensure_ascii", "indent", "separators", "sort_keys"])
        var indentation: String?
        switch bound[1] {
        case .int(let spaces)?: indentation = String(repeating: " ", count: max(0, spaces))
        case .string(let text)?: indentation = text
        case .none?, nil: indentation = nil
        default: throw .runtime("tojson indent must be an integer or a string")
        }
        var separators: (item: String, key: String)?
        if let given = bound[2], !given.isNone {
            guard let parts = given.iterationItems, parts.count == 2, case .string(let item) = parts[0],
                case .string(let key) = parts[1]
            else { throw .runtime("tojson separators must be a pair of strings") }
            separators = (item, key)
        }
        let writer = JSONWriter(indent: indentation, separators: separators, sortKeys: bound[3]?.isTruthy ?? false)
        let json = try writer.write(value)
        return bound[0]?.isTruthy == true ? asciiEscaped(json) : json
    }

    /// `ensure_ascii=True`: non-ASCII code points as `\uXXXX` (surrogate pairs above the BMP).
    private func asciiEscaped(_ json: String) -> String {
        var result = ""
        for scalar in json.unicodeScalars {
            if scalar.isASCII {
                result.unicodeScalars.append(scalar)
            } else {
                for unit in String(scalar).utf16 {
                    result += "\\u" + hex(UInt32(unit), width: 4)
                }
            }
        }
        return result
    }
}
