/// Compiles a JSON Schema to grammar IR. Every keyword is either enforced by the grammar,
/// an annotation (ignored by validators too), or rejected with an error naming it and its
/// location — never skipped.
///
/// Generation policy (every output still validates under the schema):
/// - properties are generated in the schema's order; optional ones may be left out;
/// - with `properties` present and `additionalProperties` absent no other keys are generated
///   (as with OpenAI's strict mode); with neither present, any keys are;
/// - `oneOf` is accepted only when its branches provably exclude each other.
struct JSONSchemaCompiler {
    typealias Node = GrammarIR.NodeID
    typealias Members = [(key: String, value: JSONValue)]

    static let annotations: Set<String> = [
        "title", "description", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly",
        "$schema", "$defs", "definitions", "$anchor", "nullable", "contentMediaType", "contentEncoding",
    ]
    static let supported: Set<String> = [
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "prefixItems",
        "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "anyOf", "oneOf", "allOf", "$ref", "$id",
    ]
    static let maxDepth = 200

    var json = JSONGrammar(ir: GrammarIR())
    let document: JSONValue
    private var refNodes: [String: Node?] = [:]
    private var refRules: [String: GrammarIR.RuleID] = [:]
    private var inProgress: Set<String> = []
    var depth = 0

    init(schemaText: String) throws(GrammarError) {
        do {
            document = try JSONReader.parse(schemaText)
        } catch {
            throw .invalidJSON(offset: error.offset, reason: error.reason)
        }
    }

    init(document: JSONValue) { self.document = document }

    mutating func compileRoot() throws(GrammarError) -> GrammarIR.RuleID {
        guard let node = try compile(document, at: "") else {
            throw .unsatisfiable(pointer: "", reason: "no JSON value is valid under the schema")
        }
        let root = json.ir.declareRule("#")
        json.ir.define(root, as: node)
        return root
    }

    /// The grammar of the values valid under `schema`; nil when there are none.
    mutating func compile(_ schema: JSONValue, at pointer: String) throws(GrammarError) -> Node? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .tooComplex("schema nesting deeper than \(Self.maxDepth)") }
        switch schema {
        case .bool(true): return try json.anyValue()
        case .bool(false): return nil
        case .object(let members): return try compileObject(members, at: pointer)
        default: throw .invalidSchema(pointer: pointer, reason: "a schema must be an object or a boolean")
        }
    }

    private mutating func compileObject(_ members: Members, at pointer: String) throws(GrammarError) -> Node? {
        for (key, _) in members where !Self.supported.contains(key) && !Self.annotations.contains(key) {
            throw .unsupportedKeyword(keyword: key, pointer: pointer + "/" + Self.escape(key))
        }
        if members.contains(where: { $0.key == "$id" }), !pointer.isEmpty {
            throw .unsupportedKeyword(keyword: "$id", pointer: pointer + "/$id")
        }
        let constraints = members.filter { !Self.annotations.contains($0.key) && $0.key != "$id" }
        if let ref = constraints.first(where: { $0.key == "$ref" }) {
            guard case .string(let target) = ref.value else {
                throw .invalidSchema(pointer: pointer + "/$ref", reason: "$ref must be a string")
            }
            if constraints.count == 1 { return try compileReference(target, at: pointer + "/$ref") }
            let rest = constraints.filter { $0.key != "$ref" }
            let merged = try SchemaMerger(compiler: self).mergeAll(
                [.object([("$ref", ref.value)]), .object(rest)], at: pointer)
            return try compile(merged, at: pointer)
        }
        if let allOf = constraints.first(where: { $0.key == "allOf" }) {
            guard case .array(let parts) = allOf.value, !parts.isEmpty else {
                throw .invalidSchema(pointer: pointer + "/allOf", reason: "allOf must be a non-empty array")
            }
            let rest = constraints.filter { $0.key != "allOf" }
            let merged = try SchemaMerger(compiler: self).mergeAll(parts + [.object(rest)], at: pointer + "/allOf")
            return try compile(merged, at: pointer)
        }
        for keyword in ["anyOf", "oneOf"] {
            guard let combinator = constraints.first(where: { $0.key == keyword }) else { continue }
            guard case .array(let branches) = combinator.value, !branches.isEmpty else {
                throw .invalidSchema(pointer: pointer + "/" + keyword, reason: "\(keyword) must be a non-empty array")
            }
            if keyword == "oneOf" { try SchemaMerger(compiler: self).requireDisjoint(branches, at: pointer + "/oneOf") }
            let rest = constraints.filter { $0.key != keyword }
            var options: [Node] = []
            for (index, branch) in branches.enumerated() {
                let branchPointer = pointer + "/\(keyword)/\(index)"
                let schema: JSONValue =
                    rest.isEmpty
                    ? branch : try SchemaMerger(compiler: self).mergeAll([.object(rest), branch], at: branchPointer)
                if let node = try compile(schema, at: branchPointer) { options.append(node) }
            }
            return options.isEmpty ? nil : try json.ir.choice(options)
        }
        if constraints.contains(where: { $0.key == "enum" || $0.key == "const" }) {
            return try compileLiterals(constraints, at: pointer)
        }
        return try compileTyped(constraints, at: pointer)
    }

    // MARK: - Types

    static let objectKeywords: Set<String> = ["properties", "required", "additionalProperties"]
    static let arrayKeywords: Set<String> = ["items", "prefixItems", "minItems", "maxItems", "uniqueItems"]
    static let stringKeywords: Set<String> = ["minLength", "maxLength", "pattern", "format"]
    static let numberKeywords: Set<String> = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
    static let allTypes = ["object", "array", "string", "number", "integer", "boolean", "null"]

    /// The types a schema object allows: its `type`, or the types its keywords constrain.
    static func types(of members: Members, at pointer: String) throws(GrammarError) -> [String] {
        if let type = members.first(where: { $0.key == "type" })?.value {
            var names: [String] = []
            switch type {
            case .string(let name): names = [name]
            case .array(let items):
                for item in items {
                    guard case .string(let name) = item else {
                        throw .invalidSchema(pointer: pointer + "/type", reason: "type names must be strings")
                    }
                    names.append(name)
                }
            default: throw .invalidSchema(pointer: pointer + "/type", reason: "type must be a string or an array")
            }
            for name in names where !allTypes.contains(name) {
                throw .invalidSchema(pointer: pointer + "/type", reason: "unknown type '\(name)'")
            }
            return names
        }
        let keys = Set(members.map(\.key))
        var inferred: [String] = []
        if !keys.isDisjoint(with: objectKeywords) { inferred.append("object") }
        if !keys.isDisjoint(with: arrayKeywords) { inferred.append("array") }
        if !keys.isDisjoint(with: stringKeywords) { inferred.append("string") }
        if !keys.isDisjoint(with: numberKeywords) { inferred.append("number") }
        return inferred.isEmpty ? allTypes : inferred
    }

    private mutating func compileTyped(_ members: Members, at pointer: String) throws(GrammarError) -> Node? {
        var types = try Self.types(of: members, at: pointer)
        if types.contains("number") { types.removeAll { $0 == "integer" } }
        if types.count == Self.allTypes.count - 1, Set(members.map(\.key)).isDisjoint(with: Self.constraining) {
            return try json.anyValue()
        }
        var options: [Node] = []
        for type in types {
            let node: Node?
            switch type {
            case "null": node = try json.ir.literal("null")
            case "boolean": node = try json.ir.choice([try json.ir.literal("true"), try json.ir.literal("false")])
            case "string": node = try compileString(members, at: pointer)
            case "integer": node = try compileNumber(members, integer: true, at: pointer)
            case "number": node = try compileNumber(members, integer: false, at: pointer)
            case "object": node = try compileObjectType(members, at: pointer)
            default: node = try compileArrayType(members, at: pointer)
            }
            if let node { options.append(node) }
        }
        return options.isEmpty ? nil : try json.ir.choice(options)
    }

    private static let constraining = objectKeywords.union(arrayKeywords).union(stringKeywords).union(numberKeywords)

    // MARK: - Literals

    private mutating func compileLiterals(_ members: Members, at pointer: String) throws(GrammarError) -> Node? {
        var values: [JSONValue] = []
        if let constant = members.first(where: { $0.key == "const" })?.value { values = [constant] }
        if let list = members.first(where: { $0.key == "enum" })?.value {
            guard case .array(let items) = list else {
                throw .invalidSchema(pointer: pointer + "/enum", reason: "enum must be an array")
            }
            values = members.contains(where: { $0.key == "const" }) ? values.filter { items.contains($0) } : items
        }
        let merger = SchemaMerger(compiler: self)
        var options: [Node] = []
        for value in values
        where try merger.admits(value, members.filter { $0.key != "enum" && $0.key != "const" }, at: pointer) {
            options.append(try json.literal(value))
        }
        return options.isEmpty ? nil : try json.ir.choice(options)
    }

    // MARK: - References

    /// Resolves a local JSON pointer reference (`#`, `#/$defs/x`, …) to the schema it names.
    func resolve(_ reference: String, at pointer: String) throws(GrammarError) -> (schema: JSONValue, path: String) {
        guard reference.hasPrefix("#") else { throw .unresolvedReference(ref: reference, pointer: pointer) }
        let fragment = String(reference.dropFirst())
        guard let path = fragment.removingPercentEncodingForPointer(), path.isEmpty || path.hasPrefix("/") else {
            throw .unresolvedReference(ref: reference, pointer: pointer)
        }
        var current = document
        if !path.isEmpty {
            for raw in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
                let token = String(raw).replacingAll("~1", with: "/").replacingAll("~0", with: "~")
                switch current {
                case .object(let members):
                    guard let next = members.first(where: { $0.key == token })?.value else {
                        throw .unresolvedReference(ref: reference, pointer: pointer)
                    }
                    current = next
                case .array(let items):
                    guard let index = Int(token), items.indices.contains(index) else {
                        throw .unresolvedReference(ref: reference, pointer: pointer)
                    }
                    current = items[index]
                default: throw .unresolvedReference(ref: reference, pointer: pointer)
                }
            }
        }
        return (current, path)
    }

    /// Whether the schema at `path` is being compiled right now (a reference to it recurses).
    func isInProgress(_ path: String) -> Bool { inProgress.contains(path) }

    private mutating func compileReference(_ reference: String, at pointer: String) throws(GrammarError) -> Node? {
        let (schema, path) = try resolve(reference, at: pointer)
        if let rule = refRules[path] { return try json.ir.call(rule) }
        if let known = refNodes[path] { return known }
        if inProgress.contains(path) {
            // Recursion: the target becomes a rule, matched by its own automaton.
            let rule = json.ir.declareRule("#" + path)
            refRules[path] = rule
            return try json.ir.call(rule)
        }
        inProgress.insert(path)
        let node = try compile(schema, at: path)
        inProgress.remove(path)
        if let rule = refRules[path] {
            if let node {
                json.ir.define(rule, as: node)
            } else {
                json.ir.define(rule, as: try json.ir.nothing())
            }
            return try json.ir.call(rule)
        }
        // A big definition becomes a rule: one automaton shared by every reference, instead
        // of a copy per use (which multiplies when definitions nest).
        let shared = try node.map { node throws(GrammarError) in try share(node, name: "#" + path, copies: 2) }
        refNodes[path] = shared
        return shared
    }

    /// `node` as a rule of its own when inlining `copies` copies of it would be large.
    mutating func share(_ node: Node, name: String, copies: Int) throws(GrammarError) -> Node {
        let size = json.ir.size(node)
        guard size > 64, size > Self.inlineBudget / max(1, copies) else { return node }
        let rule = json.ir.declareRule(name)
        json.ir.define(rule, as: node)
        return try json.ir.call(rule)
    }

    /// How many automaton states a sub-grammar may cost before it is shared instead of copied.
    static let inlineBudget = 4_000

    static func escape(_ key: String) -> String {
        key.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }
}

extension String {
    /// Percent-decoding of a URI fragment (nil if malformed).
    func removingPercentEncodingForPointer() -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
