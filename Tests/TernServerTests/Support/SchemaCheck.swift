import Foundation
import TernTemplates

/// An independent JSON Schema checker for test outputs, with the standard's semantics for the
/// keywords the tests use (values parsed by `TemplateValue`, which keeps booleans, integers and
/// doubles apart). Returns why a value is invalid.
struct SchemaCheck {
    let root: TemplateValue

    init(_ schemaText: String) throws {
        root = try TemplateValue(parsingJSON: schemaText)
    }

    /// Problems of `text` (which must be exactly one JSON value) under the schema.
    func problems(_ text: String) -> [String] {
        guard let value = try? TemplateValue(parsingJSON: text) else { return ["not JSON: \(text)"] }
        return problems(value, root, "$")
    }

    func problems(_ value: TemplateValue, _ schema: TemplateValue, _ path: String) -> [String] {
        if case .bool(let flag) = schema { return flag ? [] : ["\(path): false schema"] }
        guard case .object(let schema) = schema else { return ["\(path): bad schema"] }
        var found: [String] = []
        if case .string(let ref)? = schema["$ref"] { found += problems(value, resolve(ref), path) }
        if let type = schema["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            if !names.contains(where: { Self.has(value, type: $0) }) { found.append("\(path): not \(names)") }
        }
        if case .array(let options)? = schema["enum"], !options.contains(where: { Self.equal($0, value) }) {
            found.append("\(path): not in enum")
        }
        if let constant = schema["const"], !Self.equal(constant, value) { found.append("\(path): not const") }
        if case .array(let branches)? = schema["anyOf"],
            !branches.contains(where: { problems(value, $0, path).isEmpty })
        {
            found.append("\(path): no anyOf branch")
        }
        switch value {
        case .object(let object): found += objectProblems(object, schema, path)
        case .array(let array): found += arrayProblems(array, schema, path)
        case .string(let string): found += stringProblems(string, schema, path)
        case .int, .double:
            let number = Self.number(value)!
            if let minimum = schema["minimum"].flatMap(Self.number), number < minimum { found.append("\(path): < min") }
            if let maximum = schema["maximum"].flatMap(Self.number), number > maximum { found.append("\(path): > max") }
        default: break
        }
        return found
    }

    private func objectProblems(_ object: TemplateObject, _ schema: TemplateObject, _ path: String) -> [String] {
        var found: [String] = []
        let properties = schema["properties"]?.objectValue ?? TemplateObject()
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
            found.append("\(path): missing \(name)")
        }
        for (key, member) in object.entries {
            if let property = properties[key] {
                found += problems(member, property, "\(path).\(key)")
            } else if let extra = schema["additionalProperties"] {
                found += problems(member, extra, "\(path).\(key)")
            }
        }
        return found
    }

    private func arrayProblems(_ array: [TemplateValue], _ schema: TemplateObject, _ path: String) -> [String] {
        var found: [String] = []
        if case .int(let minimum)? = schema["minItems"], array.count < minimum { found.append("\(path): too few") }
        if case .int(let maximum)? = schema["maxItems"], array.count > maximum { found.append("\(path): too many") }
        if let items = schema["items"] {
            for (index, item) in array.enumerated() { found += problems(item, items, "\(path)[\(index)]") }
        }
        return found
    }

    private func stringProblems(_ string: String, _ schema: TemplateObject, _ path: String) -> [String] {
        var found: [String] = []
        let length = string.unicodeScalars.count
        if case .int(let minimum)? = schema["minLength"], length < minimum { found.append("\(path): too short") }
        if case .int(let maximum)? = schema["maxLength"], length > maximum { found.append("\(path): too long") }
        if case .string(let pattern)? = schema["pattern"], string.range(of: pattern, options: .regularExpression) == nil
        {
            found.append("\(path): does not match \(pattern)")
        }
        return found
    }

    private func resolve(_ ref: String) -> TemplateValue {
        var current = root
        for token in ref.dropFirst(2).split(separator: "/") {
            current = current[String(token)] ?? .bool(false)
        }
        return current
    }

    static func number(_ value: TemplateValue) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    static func has(_ value: TemplateValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
            ("number", .int), ("number", .double), ("integer", .int):
            return true
        case ("integer", .double(let number)): return number.rounded() == number
        default: return false
        }
    }

    static func equal(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        return a == b
    }
}
