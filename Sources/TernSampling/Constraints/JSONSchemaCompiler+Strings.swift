/// Strings: length bounds, `pattern` (regex subset, search semantics), `format`.
extension JSONSchemaCompiler {
    /// Formats as full-match regexes over ASCII. Dates are real calendar dates (leap years
    /// included); times carry an offset as RFC 3339 requires.
    static let formats: [String: String] = {
        let year = #"(?:\d{3}[1-9]|\d{2}[1-9]0|\d[1-9]00|[1-9]000)"#
        let monthDay =
            #"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))"#
        let leapDay = #"(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29"#
        let date = "(?:\(year)-\(monthDay)|\(leapDay))"
        let time = #"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"#
        let octet = #"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"#
        // Host name labels without leading, trailing or doubled hyphens; a dot-atom local part.
        let label = "[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
        let atom = "[A-Za-z0-9_%+-]+"
        return [
            "date": date,
            "time": time,
            "date-time": "\(date)T\(time)",
            "uuid": #"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"#,
            "email": "\(atom)(?:\\.\(atom))*@\(label)(?:\\.\(label)){0,3}\\.[A-Za-z]{2,24}",
            "ipv4": "\(octet)(?:\\.\(octet)){3}",
        ]
    }()

    mutating func compileString(_ members: Members, at pointer: String) throws(GrammarError) -> Node? {
        let minLength = try nonNegativeInteger(members, "minLength", at: pointer) ?? 0
        let maxLength = try nonNegativeInteger(members, "maxLength", at: pointer)
        if let maxLength, maxLength < minLength { return nil }
        guard minLength <= RegexParser.maxRepeat, (maxLength ?? 0) <= RegexParser.maxRepeat else {
            throw .tooComplex("string length bounds above \(RegexParser.maxRepeat) at #\(pointer)")
        }
        var regex: RegexAST?
        var source = ""
        var keyword = ""
        if let pattern = members.first(where: { $0.key == "pattern" })?.value {
            guard case .string(let text) = pattern else {
                throw .invalidSchema(pointer: pointer + "/pattern", reason: "pattern must be a string")
            }
            regex = try Self.parsePattern(text, at: pointer + "/pattern", mode: .search)
            source = "pattern:" + text
            keyword = "pattern"
        }
        if let format = members.first(where: { $0.key == "format" })?.value {
            guard case .string(let name) = format else {
                throw .invalidSchema(pointer: pointer + "/format", reason: "format must be a string")
            }
            guard let formatRegex = Self.formats[name] else {
                throw .unsupportedValue(
                    keyword: "format", pointer: pointer + "/format",
                    reason: "format '\(name)' (supported: \(Self.formats.keys.sorted().joined(separator: ", ")))")
            }
            guard regex == nil else {
                throw .unsupportedValue(
                    keyword: "format", pointer: pointer + "/format", reason: "combined with pattern")
            }
            regex = try RegexParser.parse(formatRegex, mode: .fullMatch)
            source = "format:" + name
            keyword = "format"
        }
        guard let regex else { return try json.string(minLength: minLength, maxLength: maxLength) }
        // A length bound is only accepted when every match already satisfies it.
        let lengths = Self.lengthRange(regex)
        let within =
            lengths.min >= minLength && (maxLength.map { max in lengths.max.map { $0 <= max } ?? false } ?? true)
        guard within else {
            throw .unsupportedValue(
                keyword: minLength > 0 ? "minLength" : "maxLength", pointer: pointer,
                reason:
                    "length bounds combined with \(keyword) are only supported when every match of the \(keyword) fits them"
            )
        }
        return try json.sharedRule("string/" + source) { json throws(GrammarError) in
            var emitter = RegexEmitter(ir: json.ir, encoding: .jsonString)
            let content = try emitter.emit(regex)
            json.ir = emitter.ir
            return try json.quoted(content)
        }
    }

    static func parsePattern(_ text: String, at pointer: String, mode: RegexParser.Mode) throws(GrammarError)
        -> RegexAST
    {
        do {
            return try RegexParser.parse(text, mode: mode)
        } catch .invalidRegex(let offset, let reason) {
            throw .invalidSchema(pointer: pointer, reason: "invalid pattern at position \(offset): \(reason)")
        } catch .unsupportedRegex(let offset, let construct) {
            throw .unsupportedValue(keyword: "pattern", pointer: pointer, reason: "\(construct) at position \(offset)")
        }
    }

    /// The fewest and most characters a match can have (nil: unbounded).
    static func lengthRange(_ ast: RegexAST) -> (min: Int, max: Int?) {
        switch ast {
        case .set: return (1, 1)
        case .concat(let parts):
            var low = 0
            var high: Int? = 0
            for part in parts {
                let range = lengthRange(part)
                low += range.min
                high = high.flatMap { h in range.max.map { h + $0 } }
            }
            return (low, high)
        case .alternate(let options):
            let ranges = options.map(lengthRange)
            let high: Int? = ranges.contains { $0.max == nil } ? nil : ranges.compactMap(\.max).max() ?? 0
            return (ranges.map(\.min).min() ?? 0, high)
        case .repeated(let inner, let min, let max):
            let range = lengthRange(inner)
            let high: Int? =
                range.max == 0 ? 0 : max.flatMap { m in range.max.map { $0 * m } }
            return (range.min * min, high)
        }
    }

    func nonNegativeInteger(_ members: Members, _ key: String, at pointer: String) throws(GrammarError) -> Int? {
        guard let value = members.first(where: { $0.key == key })?.value else { return nil }
        guard case .number(let number) = value, number.isIntegral, number.value >= 0 else {
            throw .invalidSchema(pointer: pointer + "/" + key, reason: "\(key) must be a non-negative integer")
        }
        return number.value > Double(Int32.max) ? Int(Int32.max) : Int(number.value)
    }
}
