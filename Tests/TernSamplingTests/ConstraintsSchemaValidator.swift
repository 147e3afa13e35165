import Foundation

@testable import TernSampling

/// An independent JSON Schema checker for test outputs (the subset Tern supports, with the
/// standard's semantics: absent `additionalProperties` allows anything, `oneOf` means exactly
/// one, `pattern` searches). Returns the reasons a value is invalid.
struct SchemaValidator {
    let root: JSONValue

    func errors(_ value: JSONValue, _ schema: JSONValue, _ path: String = "$") -> [String] {
        switch schema {
        case .bool(true): return []
        case .bool(false): return ["\(path): false schema"]
        case .object(let members):
            var problems: [String] = []
            for (key, constraint) in members {
                problems += check(key, constraint, value, members, path)
            }
            return problems
        default: return ["bad schema"]
        }
    }

    private func resolve(_ ref: String) -> JSONValue {
        var current = root
        for token in ref.dropFirst(2).split(separator: "/") where !ref.hasSuffix("#") {
            let key = String(token).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            current = current[key] ?? .bool(false)
        }
        return current
    }

    private func isType(_ value: JSONValue, _ name: String) -> Bool {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object):
            return true
        case ("number", .number): return true
        case ("integer", .number(let n)): return n.value.rounded() == n.value
        default: return false
        }
    }

    private func number(_ value: JSONValue) -> Double? {
        if case .number(let n) = value { return n.value }
        return nil
    }

    private func check(
        _ key: String, _ c: JSONValue, _ v: JSONValue, _ schema: [(key: String, value: JSONValue)], _ path: String
    )
        -> [String]
    {
        let fail = ["\(path): \(key) \(c.serialized) rejects \(v.serialized)"]
        switch key {
        case "type":
            let names: [String]
            if case .string(let name) = c {
                names = [name]
            } else if case .array(let list) = c {
                names = list.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            } else {
                names = []
            }
            return names.contains { isType(v, $0) } ? [] : fail
        case "enum":
            guard case .array(let list) = c else { return fail }
            return list.contains(v) ? [] : fail
        case "const": return c == v ? [] : fail
        case "$ref":
            guard case .string(let ref) = c else { return fail }
            return errors(v, ref == "#" ? root : resolve(ref), path)
        case "allOf", "anyOf", "oneOf":
            guard case .array(let branches) = c else { return fail }
            let passing = branches.filter { errors(v, $0, path).isEmpty }.count
            switch key {
            case "allOf": return passing == branches.count ? [] : fail
            case "anyOf": return passing >= 1 ? [] : fail
            default: return passing == 1 ? [] : fail
            }
        case "properties", "additionalProperties", "required":
            guard case .object(let members) = v else { return [] }
            if key == "required", case .array(let names) = c {
                return names.allSatisfy { name in members.contains { .string($0.key) == name } } ? [] : fail
            }
            let declared = schema.first { $0.key == "properties" }?.value.objectMembers ?? []
            var problems: [String] = []
            for (name, item) in members {
                if key == "properties", let sub = declared.first(where: { $0.key == name })?.value {
                    problems += errors(item, sub, path + "." + name)
                }
                if key == "additionalProperties", !declared.contains(where: { $0.key == name }) {
                    problems += errors(item, c, path + "." + name)
                }
            }
            return problems
        case "items", "prefixItems", "minItems", "maxItems":
            guard case .array(let items) = v else { return [] }
            switch key {
            case "minItems": return Double(items.count) >= (number(c) ?? 0) ? [] : fail
            case "maxItems": return Double(items.count) <= (number(c) ?? 0) ? [] : fail
            case "prefixItems":
                guard case .array(let schemas) = c else { return fail }
                return zip(items, schemas).enumerated().flatMap { errors($1.0, $1.1, path + "[\($0)]") }
            default:
                var start = 0
                if case .array(let schemas)? = schema.first(where: { $0.key == "prefixItems" })?.value {
                    start = schemas.count
                }
                return items.enumerated().dropFirst(start).flatMap { errors($1, c, path + "[\($0)]") }
            }
        case "minLength", "maxLength", "pattern", "format":
            guard case .string(let s) = v else { return [] }
            let length = Double(s.unicodeScalars.count)
            switch key {
            case "minLength": return length >= (number(c) ?? 0) ? [] : fail
            case "maxLength": return length <= (number(c) ?? 0) ? [] : fail
            case "pattern":
                guard case .string(let p) = c, let regex = try? NSRegularExpression(pattern: p) else { return fail }
                return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil ? [] : fail
            default:
                guard case .string(let name) = c else { return fail }
                return Self.formatHolds(name, s) ? [] : fail
            }
        case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
            guard let x = number(v), let bound = number(c) else { return [] }
            let ok =
                switch key {
                case "minimum": x >= bound
                case "maximum": x <= bound
                case "exclusiveMinimum": x > bound
                default: x < bound
                }
            return ok ? [] : fail
        default: return []
        }
    }

    static func formatHolds(_ name: String, _ s: String) -> Bool {
        func full(_ pattern: String) -> Bool {
            s.range(of: "^(?:" + pattern + ")$", options: .regularExpression) != nil
        }
        func validDate(_ text: Substring) -> Bool {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, parts[0] >= 1 else { return false }
            let leap = parts[0] % 4 == 0 && (parts[0] % 100 != 0 || parts[0] % 400 == 0)
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            return (1...12).contains(parts[1]) && (1...days[parts[1] - 1]).contains(parts[2])
        }
        let time = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
        switch name {
        case "date": return full("[0-9]{4}-[0-9]{2}-[0-9]{2}") && validDate(s[...])
        case "time": return full(time)
        case "date-time":
            guard let t = s.firstIndex(of: "T") else { return false }
            return full("[0-9]{4}-[0-9]{2}-[0-9]{2}T" + time) && validDate(s[..<t])
        case "uuid": return full("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
        case "email": return s.contains("@")
        case "ipv4":
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 4
                && parts.allSatisfy { p in Int(p).map { (0...255).contains($0) && String($0) == p } ?? false }
        default: return false
        }
    }
}
