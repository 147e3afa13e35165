import Foundation

extension TemplateValue {
    /// Converts JSON-like Swift values: `String`, `Bool`, integers, `Double`/`Float`, arrays and
    /// `[String: Any]` of those, `nil`/`NSNull`, `NSNumber` (as `JSONSerialization` returns), and
    /// `TemplateValue` itself. Returns nil for anything else.
    ///
    /// `[String: Any]` has no order, so its keys come out sorted; parse JSON text with
    /// ``init(parsingJSON:)`` when key order matters (tool schemas printed with `tojson`).
    public init?(jsonCompatible value: Any) {
        // Exact Swift types first: on Apple platforms `1 as Any` also casts to Bool via NSNumber.
        switch value {
        case let value as TemplateValue:
            self = value
            return
        case let value as String:
            self = .string(value)
            return
        case is NSNull:
            self = .null
            return
        default:
            break
        }
        let type = Swift.type(of: value)
        if type == Bool.self, let bool = value as? Bool {
            self = .bool(bool)
        } else if let integer = value as? any BinaryInteger, type != Bool.self, !(value is NSNumber) {
            guard let int = Int(exactly: integer) else { return nil }
            self = .int(int)
        } else if let double = value as? Double, type == Double.self {
            self = .double(double)
        } else if let float = value as? Float, type == Float.self {
            self = .double(Double(float))
        } else if let number = value as? NSNumber {
            self = Self(number: number)
        } else if let items = value as? [Any] {
            var converted: [TemplateValue] = []
            converted.reserveCapacity(items.count)
            for item in items {
                guard let element = TemplateValue(jsonCompatible: item) else { return nil }
                converted.append(element)
            }
            self = .array(converted)
        } else if let members = value as? [String: Any] {
            var object = TemplateObject()
            for key in members.keys.sorted() {
                guard let member = members[key], let element = TemplateValue(jsonCompatible: member) else { return nil }
                object[key] = element
            }
            self = .object(object)
        } else if case Optional<Any>.none = value {
            self = .null
        } else {
            return nil
        }
    }

    /// An `NSNumber` as JSON sees it: booleans stay booleans, whole numbers become ints.
    private init(number: NSNumber) {
        let kind = String(cString: number.objCType)
        if kind == "c" || kind == "B" {
            self = .bool(number.boolValue)
        } else if ["d", "f"].contains(kind) {
            self = .double(number.doubleValue)
        } else if let int = Int(exactly: number.int64Value), number.doubleValue == Double(number.int64Value) {
            self = .int(int)
        } else {
            self = .double(number.doubleValue)
        }
    }
}
