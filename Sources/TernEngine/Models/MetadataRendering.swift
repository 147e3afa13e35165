import TernGGUF

/// How `tern inspect` shows metadata values: short values whole, long strings (a chat template,
/// a license) trimmed, long arrays (a vocabulary) as their element type, count and first elements.
enum MetadataRendering {
    /// Strings longer than this (or with a line break) are trimmed in text output.
    static let stringLimit = 80
    /// Arrays longer than this show only `arrayPreview` elements.
    static let arrayLimit = 8
    static let arrayPreview = 4

    /// The type column: "uint32", "string", or "[string × 49,152]" for arrays.
    static func typeText(_ value: GGUFValue) -> String {
        guard case .array(let elements) = value else { return value.type.name }
        return "[\(elements.first?.type.name ?? "empty") × \(ModelTextFormat.grouped(elements.count))]"
    }

    /// The value column.
    static func valueText(_ value: GGUFValue) -> String {
        switch value {
        case .string(let text):
            return stringText(text)
        case .array(let elements):
            let shown = elements.count > arrayLimit ? Array(elements.prefix(arrayPreview)) : elements
            let items = shown.map { element in
                if case .string(let text) = element { return stringText(text, limit: 24) }
                return valueText(element)
            }
            return "[" + items.joined(separator: ", ") + (shown.count < elements.count ? ", …]" : "]")
        default:
            return value.description
        }
    }

    /// A quoted, escaped string; a long one is cut and followed by its length.
    static func stringText(_ text: String, limit: Int = stringLimit) -> String {
        guard text.count > limit else { return quoted(text) }
        let length = ModelTextFormat.grouped(text.count)
        return quoted(String(text.prefix(limit))).dropLast() + "…\" (\(length) characters)"
    }

    /// `text` in double quotes with quotes, backslashes and control characters escaped (not the
    /// single quotes `debugDescription` escapes, which chat templates are full of).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A JSON form: scalars as JSON values, arrays of more than `arrayLimit * 2` elements summarized.
    static func json(_ key: String, _ value: GGUFValue) -> MetadataEntryJSON {
        guard case .array(let elements) = value else {
            return MetadataEntryJSON(key: key, type: value.type.name, value: jsonValue(value))
        }
        let truncated = elements.count > arrayLimit * 2
        let shown = truncated ? Array(elements.prefix(arrayLimit)) : elements
        return MetadataEntryJSON(
            key: key, type: "array", value: .array(shown.map(jsonValue)), elementType: elements.first?.type.name,
            count: elements.count, truncated: truncated)
    }

    static func jsonValue(_ value: GGUFValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        case .float32(let number): .number(Double(number))
        case .float64(let number): .number(number)
        case .uint64(let number): .unsigned(number)
        case .array(let elements): .array(elements.map(jsonValue))
        default: value.intValue.map { .integer($0) } ?? .string(value.description)
        }
    }
}

/// A JSON value for metadata, which mixes types freely.
enum JSONValue: Encodable, Equatable {
    case string(String)
    case bool(Bool)
    case integer(Int)
    case unsigned(UInt64)
    case number(Double)
    case array([JSONValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .bool(let flag): try container.encode(flag)
        case .integer(let number): try container.encode(number)
        case .unsigned(let number): try container.encode(number)
        case .number(let number): try container.encode(number)
        case .array(let elements): try container.encode(elements)
        }
    }
}

/// One metadata entry in `tern inspect --json`.
struct MetadataEntryJSON: Encodable, Equatable {
    var key: String
    var type: String
    var value: JSONValue
    var elementType: String?
    var count: Int?
    var truncated: Bool?

    enum CodingKeys: String, CodingKey {
        case key, type, value, count, truncated
        case elementType = "element_type"
    }
}
