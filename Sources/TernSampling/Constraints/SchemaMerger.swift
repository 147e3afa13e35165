/// The decidable parts of schema combination: `allOf` (and `$ref` with sibling keywords) merged
/// keyword by keyword into one equivalent schema, enum members checked against sibling
/// keywords, and `oneOf` branches proven mutually exclusive. Whatever cannot be decided is
/// rejected by name.
struct SchemaMerger {
    typealias Members = JSONSchemaCompiler.Members
    let compiler: JSONSchemaCompiler
    static let maxCombinations = 64

    // MARK: - allOf

    /// One schema equivalent to all of `schemas`.
    func mergeAll(_ schemas: [JSONValue], at pointer: String) throws(GrammarError) -> JSONValue {
        var flat: [Members] = []
        for schema in schemas {
            guard try flatten(schema, into: &flat, at: pointer, depth: 0) else { return .bool(false) }
        }
        var result: Members = []
        for members in flat { result = try merge(result, members, at: pointer) }
        return .object(result)
    }

    /// Appends the `$ref`- and `allOf`-free parts of `schema`; false if it is the false schema.
    private func flatten(_ schema: JSONValue, into flat: inout [Members], at pointer: String, depth: Int)
        throws(GrammarError)
        -> Bool
    {
        guard depth < 64 else { throw .tooComplex("allOf/$ref chain deeper than 64 at #\(pointer)") }
        switch schema {
        case .bool(let value): return value
        case .object(var members):
            if let ref = members.first(where: { $0.key == "$ref" })?.value {
                guard case .string(let target) = ref else {
                    throw .invalidSchema(pointer: pointer, reason: "$ref must be a string")
                }
                let (resolved, path) = try compiler.resolve(target, at: pointer)
                if compiler.isInProgress(path) {
                    throw .unsupportedValue(
                        keyword: "$ref", pointer: pointer,
                        reason: "a recursive $ref combined with other keywords or inside allOf")
                }
                guard try flatten(resolved, into: &flat, at: path, depth: depth + 1) else { return false }
                members.removeAll { $0.key == "$ref" }
            }
            if let all = members.first(where: { $0.key == "allOf" })?.value {
                guard case .array(let parts) = all else {
                    throw .invalidSchema(pointer: pointer + "/allOf", reason: "allOf must be an array")
                }
                for part in parts {
                    guard try flatten(part, into: &flat, at: pointer + "/allOf", depth: depth + 1) else { return false }
                }
                members.removeAll { $0.key == "allOf" }
            }
            flat.append(members.filter { !JSONSchemaCompiler.annotations.contains($0.key) && $0.key != "$id" })
            return true
        default:
            throw .invalidSchema(pointer: pointer, reason: "a schema must be an object or a boolean")
        }
    }

    private static func allOf(_ a: JSONValue, _ b: JSONValue) -> JSONValue { .object([("allOf", .array([a, b]))]) }

    private func merge(_ a: Members, _ b: Members, at pointer: String) throws(GrammarError) -> Members {
        var result = a
        func value(_ members: Members, _ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
        func set(_ key: String, _ newValue: JSONValue) {
            if let index = result.firstIndex(where: { $0.key == key }) {
                result[index].value = newValue
            } else {
                result.append((key, newValue))
            }
        }
        for (key, other) in b {
            guard let mine = value(a, key) else {
                if key != "properties" { set(key, other) }
                continue
            }
            switch key {
            case "type":
                let ours = try JSONSchemaCompiler.types(of: [("type", mine)], at: pointer)
                let theirs = try JSONSchemaCompiler.types(of: [("type", other)], at: pointer)
                var common = ours.filter { theirs.contains($0) }
                if ours.contains("number"), theirs.contains("integer"), !common.contains("integer") {
                    common.append("integer")
                }
                if theirs.contains("number"), ours.contains("integer"), !common.contains("integer") {
                    common.append("integer")
                }
                set("type", .array(common.map { .string($0) }))
            case "enum":
                guard case .array(let x) = mine, case .array(let y) = other else { set(key, other); continue }
                set("enum", .array(x.filter { y.contains($0) }))
            case "const":
                if mine != other { set("enum", .array([])) }
            case "required":
                guard case .array(let x) = mine, case .array(let y) = other else { set(key, other); continue }
                set("required", .array(x + y.filter { !x.contains($0) }))
            case "items", "additionalProperties":
                set(key, Self.allOf(mine, other))
            case "minItems", "minLength", "minimum", "exclusiveMinimum":
                if case .number(let x) = mine, case .number(let y) = other {
                    set(key, x.value >= y.value ? mine : other)
                }
            case "maxItems", "maxLength", "maximum", "exclusiveMaximum":
                if case .number(let x) = mine, case .number(let y) = other {
                    set(key, x.value <= y.value ? mine : other)
                }
            case "uniqueItems":
                if other == .bool(true) { set(key, other) }
            case "anyOf":
                guard case .array(let x) = mine, case .array(let y) = other, x.count * y.count <= Self.maxCombinations
                else {
                    throw .tooComplex(
                        "allOf of anyOf lists with more than \(Self.maxCombinations) combinations at #\(pointer)")
                }
                set("anyOf", .array(x.flatMap { p in y.map { q in Self.allOf(p, q) } }))
            case "properties":
                break
            default:
                guard mine == other else {
                    throw .unsupportedValue(
                        keyword: key, pointer: pointer, reason: "allOf with two different values of \(key)")
                }
            }
        }
        try mergeProperties(a, b, into: &result, at: pointer)
        try mergePrefixItems(a, b, into: &result, at: pointer)
        return result
    }

    /// Property schemas of both sides; a property only one side declares must also satisfy the
    /// other side's `additionalProperties`.
    private func mergeProperties(_ a: Members, _ b: Members, into result: inout Members, at pointer: String)
        throws(GrammarError)
    {
        func properties(_ members: Members) throws(GrammarError) -> Members? {
            guard let value = members.first(where: { $0.key == "properties" })?.value else { return nil }
            guard case .object(let list) = value else {
                throw .invalidSchema(pointer: pointer + "/properties", reason: "properties must be an object")
            }
            return list
        }
        let pa = try properties(a)
        let pb = try properties(b)
        guard pa != nil || pb != nil else { return }
        let extraA = a.first { $0.key == "additionalProperties" }?.value
        let extraB = b.first { $0.key == "additionalProperties" }?.value
        var merged: Members = []
        for (key, schema) in pa ?? [] {
            if let theirs = pb?.first(where: { $0.key == key })?.value {
                merged.append((key, Self.allOf(schema, theirs)))
            } else {
                merged.append((key, extraB.map { Self.allOf(schema, $0) } ?? schema))
            }
        }
        for (key, schema) in pb ?? [] where !(pa ?? []).contains(where: { $0.key == key }) {
            merged.append((key, extraA.map { Self.allOf(schema, $0) } ?? schema))
        }
        result.removeAll { $0.key == "properties" }
        result.append(("properties", .object(merged)))
    }

    private func mergePrefixItems(_ a: Members, _ b: Members, into result: inout Members, at pointer: String)
        throws(GrammarError)
    {
        let xa = a.first { $0.key == "prefixItems" }?.value
        let xb = b.first { $0.key == "prefixItems" }?.value
        guard xa != nil || xb != nil else { return }
        guard xa == nil || xb == nil else {
            throw .unsupportedValue(
                keyword: "prefixItems", pointer: pointer, reason: "allOf with two prefixItems lists")
        }
        let (prefix, otherSide) = xa != nil ? (xa, b) : (xb, a)
        guard case .array(let schemas)? = prefix else { return }
        guard let items = otherSide.first(where: { $0.key == "items" })?.value else { return }
        result.removeAll { $0.key == "prefixItems" }
        result.append(("prefixItems", .array(schemas.map { Self.allOf($0, items) })))
    }

    // MARK: - enum members

    /// Whether a literal satisfies the sibling keywords of its `enum`/`const`.
    func admits(_ value: JSONValue, _ members: Members, at pointer: String) throws(GrammarError) -> Bool {
        for (key, constraint) in members {
            switch key {
            case "type":
                let types = try JSONSchemaCompiler.types(of: [(key, constraint)], at: pointer)
                let name = value.typeName
                if !(types.contains(name) || (name == "integer" && types.contains("number"))) { return false }
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                guard case .number(let bound) = constraint else { continue }
                guard case .number(let number) = value else { continue }
                let v = number.value
                let ok =
                    switch key {
                    case "minimum": v >= bound.value
                    case "maximum": v <= bound.value
                    case "exclusiveMinimum": v > bound.value
                    default: v < bound.value
                    }
                if !ok { return false }
            case "minLength", "maxLength":
                guard case .number(let bound) = constraint, case .string(let text) = value else { continue }
                let length = Double(text.unicodeScalars.count)
                if key == "minLength" ? length < bound.value : length > bound.value { return false }
            default:
                throw .unsupportedValue(keyword: "enum", pointer: pointer, reason: "enum/const combined with '\(key)'")
            }
        }
        return true
    }

    // MARK: - oneOf

    /// What is cheaply known about the values a branch admits.
    private struct Summary {
        var never = false
        var types: Set<String>?
        var literals: [JSONValue]?
        var discriminators: [String: [JSONValue]] = [:]
    }

    private func summary(_ schema: JSONValue, at pointer: String, depth: Int = 0) throws(GrammarError) -> Summary {
        guard depth < 32 else { return Summary() }
        switch schema {
        case .bool(let value): return Summary(never: !value)
        case .object(let members):
            if let ref = members.first(where: { $0.key == "$ref" })?.value, case .string(let target) = ref,
                members.count == 1
            {
                return try summary(compiler.resolve(target, at: pointer).schema, at: pointer, depth: depth + 1)
            }
            var result = Summary()
            if members.contains(where: { $0.key == "type" }) || !members.isEmpty {
                let types = try JSONSchemaCompiler.types(of: members, at: pointer)
                if types.count < JSONSchemaCompiler.allTypes.count { result.types = Set(types) }
            }
            if let constant = members.first(where: { $0.key == "const" })?.value { result.literals = [constant] }
            if case .array(let values)? = members.first(where: { $0.key == "enum" })?.value { result.literals = values }
            if case .array(let names)? = members.first(where: { $0.key == "required" })?.value,
                case .object(let properties)? = members.first(where: { $0.key == "properties" })?.value
            {
                for case .string(let name) in names {
                    guard let property = properties.first(where: { $0.key == name })?.value else { continue }
                    if let literals = try summary(property, at: pointer, depth: depth + 1).literals {
                        result.discriminators[name] = literals
                    }
                }
            }
            return result
        default: return Summary()
        }
    }

    private static func overlap(_ a: Set<String>, _ b: Set<String>) -> Bool {
        !a.isDisjoint(with: b) || (a.contains("number") && b.contains("integer"))
            || (b.contains("number") && a.contains("integer"))
    }

    private static func exclusive(_ a: Summary, _ b: Summary) -> Bool {
        if a.never || b.never { return true }
        if let x = a.types, let y = b.types, !overlap(x, y) { return true }
        if let x = a.literals, let y = b.literals, !x.contains(where: { y.contains($0) }) { return true }
        if let x = a.literals, let y = b.types, !x.contains(where: { overlap([$0.typeName], y) }) { return true }
        if let x = a.types, let y = b.literals, !y.contains(where: { overlap([$0.typeName], x) }) { return true }
        if a.types == ["object"], b.types == ["object"] {
            for (key, x) in a.discriminators {
                if let y = b.discriminators[key], !x.contains(where: { y.contains($0) }) { return true }
            }
        }
        return false
    }

    /// Throws unless every two branches provably admit no common value.
    func requireDisjoint(_ branches: [JSONValue], at pointer: String) throws(GrammarError) {
        var summaries: [Summary] = []
        for (index, branch) in branches.enumerated() {
            summaries.append(try summary(branch, at: pointer + "/\(index)"))
        }
        for i in summaries.indices {
            for j in summaries.indices where j > i && !Self.exclusive(summaries[i], summaries[j]) {
                throw .unsupportedValue(
                    keyword: "oneOf", pointer: pointer,
                    reason: "branches \(i) and \(j) may match the same value (use anyOf, or tell them apart by "
                        + "type, const/enum, or a required property with different const values)")
            }
        }
    }
}
