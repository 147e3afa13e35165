/// Python's `json.dumps(value, ensure_ascii=False, indent=..., separators=..., sort_keys=...)`,
/// which is what transformers installs as the `tojson` filter (jinja2's own would HTML-escape).
struct JSONWriter {
    /// The text repeated per nesting level, or nil for single-line output.
    var indent: String?
    var itemSeparator: String
    var keySeparator: String
    var sortKeys = false

    init(indent: String?, separators: (item: String, key: String)? = nil, sortKeys: Bool = false) {
        self.indent = indent
        // Python's defaults: ", " without indent, "," with it (the newline does the spacing).
        itemSeparator = separators?.item ?? (indent == nil ? ", " : ",")
        keySeparator = separators?.key ?? ": "
        self.sortKeys = sortKeys
    }

    func write(_ value: Value) throws(TemplateError) -> String {
        var output = ""
        try write(value, level: 0, into: &output)
        return output
    }

    private func write(_ value: Value, level: Int, into output: inout String) throws(TemplateError) {
        switch value {
        case .none: output += "null"
        case .bool(let bool): output += bool ? "true" : "false"
        case .int(let int): output += String(int)
        case .double(let double):
            if double.isNaN {
                output += "NaN"
            } else if double.isInfinite {
                output += double < 0 ? "-Infinity" : "Infinity"
            } else {
                output += formatPythonFloat(double)
            }
        case .string(let string): writeString(string, into: &output)
        case .list(let items), .tuple(let items):
            try writeContainer(items.map { (nil, $0) }, open: "[", close: "]", level: level, into: &output)
        case .dict(let dict):
            var entries = dict.entries
            if sortKeys {
                entries.sort { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            }
            try writeContainer(entries.map { ($0.key, $0.value) }, open: "{", close: "}", level: level, into: &output)
        case .undefined, .namespace, .function, .loop, .iterator:
            throw .runtime("Object of type \(value.typeName) is not JSON serializable")
        }
    }

    private func writeContainer(
        _ entries: [(key: String?, value: Value)], open: String, close: String, level: Int, into output: inout String
    ) throws(TemplateError) {
        output += open
        guard !entries.isEmpty else {
            output += close
            return
        }
        let innerBreak = indent.map { "\n" + String(repeating: $0, count: level + 1) }
        for (offset, entry) in entries.enumerated() {
            if offset > 0 { output += itemSeparator }
            if let innerBreak { output += innerBreak }
            if let key = entry.key {
                writeString(key, into: &output)
                output += keySeparator
            }
            try write(entry.value, level: level + 1, into: &output)
        }
        if let indent { output += "\n" + String(repeating: indent, count: level) }
        output += close
    }

    private func writeString(_ string: String, into output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    output += "\\u" + hex(scalar.value, width: 4)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
