/// Python `str` methods that chat templates call (`content.strip()`, `name.startswith('x')`, ...).
/// Strings are handled as sequences of code points, as Python sees them.
enum StringMethods {
    static let names: Set<String> = [
        "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "upper", "lower", "title", "capitalize",
        "swapcase", "casefold", "replace", "startswith", "endswith", "find", "rfind", "index", "rindex", "count",
        "join", "format", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "islower",
        "isupper", "zfill", "center", "ljust", "rjust", "removeprefix", "removesuffix", "partition", "rpartition",
    ]

    static func call(_ name: String, _ text: String, _ arguments: Arguments) throws(TemplateError) -> Value {
        let function = "str.\(name)"
        switch name {
        case "strip", "lstrip", "rstrip":
            let chars = try optionalString(arguments.bind(function, ["chars"])[0], function)
            return .string(strip(text, chars: chars, leading: name != "rstrip", trailing: name != "lstrip"))
        case "split", "rsplit":
            let bound = try arguments.bind(function, ["sep", "maxsplit"])
            let separator = try optionalString(bound[0], function)
            let limit = try bound[1].map { (value) throws(TemplateError) in try requireInt(value, function) } ?? -1
            let parts = try split(text, separator: separator, limit: limit, fromRight: name == "rsplit")
            return .list(parts.map(Value.string))
        case "splitlines":
            let keepEnds = try arguments.bind(function, ["keepends"])[0]?.isTruthy ?? false
            return .list(splitLines(text, keepEnds: keepEnds).map(Value.string))
        case "upper": return .string(text.uppercased())
        case "lower", "casefold": return .string(text.lowercased())
        case "title": return .string(titleCase(text))
        case "capitalize": return .string(capitalize(text))
        case "swapcase":
            return .string(
                text.unicodeScalars.map { scalar in
                    scalar.properties.isUppercase
                        ? scalar.properties.lowercaseMapping
                        : scalar.properties.isLowercase ? scalar.properties.uppercaseMapping : String(scalar)
                }.joined())
        case "replace":
            let bound = try arguments.bind(function, ["old", "new", "count"])
            let old = try requireString(bound[0], function)
            let new = try requireString(bound[1], function)
            let count = try bound[2].map { (value) throws(TemplateError) in try requireInt(value, function) } ?? -1
            return .string(replace(text, old, new, count: count))
        case "startswith", "endswith":
            let bound = try arguments.bind(function, ["prefix", "start", "end"])
            let window = try substring(text, bound[1], bound[2], function)
            let candidates: [Value]
            switch bound[0] {
            case .tuple(let items)?, .list(let items)?: candidates = items
            case let value?: candidates = [value]
            case nil: throw .runtime("\(function)() takes at least 1 argument (0 given)")
            }
            for candidate in candidates {
                let affix = Array(try requireString(candidate, function).unicodeScalars)
                let matched =
                    name == "startswith" ? window.starts(with: affix) : window.reversed().starts(with: affix.reversed())
                if matched { return .bool(true) }
            }
            return .bool(false)
        case "find", "rfind", "index", "rindex", "count":
            let bound = try arguments.bind(function, ["sub", "start", "end"])
            let needle = Array(try requireString(bound[0], function).unicodeScalars)
            let offset = try resolvedStart(text, bound[1], function)
            let window = try substring(text, bound[1], bound[2], function)
            let matches = occurrences(of: needle, in: window)
            if name == "count" { return .int(matches.count) }
            let found = name.hasPrefix("r") ? matches.last : matches.first
            if let found { return .int(found + offset) }
            if name.hasSuffix("index") { throw .runtime("substring not found") }
            return .int(-1)
        case "join":
            guard let items = try arguments.bind(function, ["iterable"])[0]?.requireDefined().iterated() else {
                throw .runtime("can only join an iterable")
            }
            var parts: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let part) = item else {
                    throw .runtime("sequence item \(index): expected str instance, \(item.typeName) found")
                }
                parts.append(part)
            }
            return .string(parts.joined(separator: text))
        case "format":
            return .string(try braceFormat(text, arguments))
        case "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "islower", "isupper":
            return .bool(classify(name, text))
        case "zfill":
            let width = try requireInt(arguments.bind(function, ["width"])[0], function)
            var scalars = Array(text.unicodeScalars)
            let padding = max(0, width - scalars.count)
            let signed = scalars.first == "+" || scalars.first == "-"
            scalars.insert(contentsOf: Array(repeating: "0", count: padding), at: signed ? 1 : 0)
            return .string(String(String.UnicodeScalarView(scalars)))
        case "center", "ljust", "rjust":
            let bound = try arguments.bind(function, ["width", "fillchar"])
            let width = try requireInt(bound[0], function)
            let fill = try optionalString(bound[1], function) ?? " "
            guard fill.unicodeScalars.count == 1 else {
                throw .runtime("The fill character must be exactly one character long")
            }
            let alignment: Alignment = name == "center" ? .center : name == "ljust" ? .left : .right
            return .string(pad(text, width: width, fill: fill, alignment: alignment))
        case "removeprefix", "removesuffix":
            let affix = try requireString(arguments.bind(function, ["affix"])[0], function)
            let scalars = Array(text.unicodeScalars)
            let parts = Array(affix.unicodeScalars)
            if name == "removeprefix", scalars.starts(with: parts) {
                return .string(String(String.UnicodeScalarView(scalars.dropFirst(parts.count))))
            }
            if name == "removesuffix", !parts.isEmpty, scalars.reversed().starts(with: parts.reversed()) {
                return .string(String(String.UnicodeScalarView(scalars.dropLast(parts.count))))
            }
            return .string(text)
        case "partition", "rpartition":
            let separator = Array(try requireString(arguments.bind(function, ["sep"])[0], function).unicodeScalars)
            guard !separator.isEmpty else { throw .runtime("empty separator") }
            let scalars = Array(text.unicodeScalars)
            let matches = occurrences(of: separator, in: scalars[...])
            guard let found = name == "partition" ? matches.first : matches.last else {
                return name == "partition"
                    ? .tuple([.string(text), .string(""), .string("")])
                    : .tuple([.string(""), .string(""), .string(text)])
            }
            let before = String(String.UnicodeScalarView(scalars[..<found]))
            let after = String(String.UnicodeScalarView(scalars[(found + separator.count)...]))
            return .tuple([.string(before), .string(String(String.UnicodeScalarView(separator))), .string(after)])
        default:
            throw .runtime("'str' object has no attribute '\(name)'")
        }
    }

    // MARK: - Argument helpers

    static func requireString(_ value: Value?, _ function: String) throws(TemplateError) -> String {
        guard let value else { throw .runtime("\(function)() is missing a required argument") }
        guard case .string(let string) = try value.requireDefined() else {
            throw .runtime("\(function)() expected a string, not \(value.typeName)")
        }
        return string
    }

    static func optionalString(_ value: Value?, _ function: String) throws(TemplateError) -> String? {
        guard let value, !value.isNone else { return nil }
        return try requireString(value, function)
    }

    static func requireInt(_ value: Value?, _ function: String) throws(TemplateError) -> Int {
        guard let value else { throw .runtime("\(function)() is missing a required argument") }
        guard let integer = try value.requireDefined().integerValue else {
            throw .runtime("\(function)() expected an integer, not \(value.typeName)")
        }
        return integer
    }

    private static func resolvedStart(_ text: String, _ start: Value?, _ function: String) throws(TemplateError) -> Int
    {
        guard let start, !start.isNone else { return 0 }
        let count = text.unicodeScalars.count
        let index = try requireInt(start, function)
        return index < 0 ? max(0, index + count) : min(index, count)
    }

    /// `text[start:end]` as code points, for the optional range arguments of find and friends.
    private static func substring(_ text: String, _ start: Value?, _ end: Value?, _ function: String)
        throws(TemplateError) -> ArraySlice<Unicode.Scalar>
    {
        let scalars = Array(text.unicodeScalars)
        let lower = try resolvedStart(text, start, function)
        var upper = scalars.count
        if let end, !end.isNone {
            let index = try requireInt(end, function)
            upper = index < 0 ? max(0, index + scalars.count) : min(index, scalars.count)
        }
        return lower <= upper ? scalars[lower..<upper] : scalars[lower..<lower]
    }

    /// Start offsets (relative to the slice start) of non-overlapping occurrences of `needle`.
    static func occurrences(of needle: [Unicode.Scalar], in haystack: ArraySlice<Unicode.Scalar>) -> [Int] {
        let scalars = Array(haystack)
        if needle.isEmpty { return Array(0...scalars.count) }
        var found: [Int] = []
        var index = 0
        while index + needle.count <= scalars.count {
            if scalars[index..<index + needle.count].elementsEqual(needle) {
                found.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }
}
