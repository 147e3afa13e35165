/// Objects: `properties` in schema order, `required`, `additionalProperties`.
extension JSONSchemaCompiler {
    private struct Member {
        var key: String
        var value: Node
        var required: Bool
    }

    mutating func compileObjectType(_ members: Members, at pointer: String) throws(GrammarError) -> Node? {
        var properties: Members = []
        let hasProperties = members.contains { $0.key == "properties" }
        if let value = members.first(where: { $0.key == "properties" })?.value {
            guard case .object(let list) = value else {
                throw .invalidSchema(pointer: pointer + "/properties", reason: "properties must be an object")
            }
            properties = list
        }
        var required: [String] = []
        if let value = members.first(where: { $0.key == "required" })?.value {
            guard case .array(let names) = value else {
                throw .invalidSchema(pointer: pointer + "/required", reason: "required must be an array of strings")
            }
            for name in names {
                guard case .string(let key) = name else {
                    throw .invalidSchema(pointer: pointer + "/required", reason: "required must be an array of strings")
                }
                if !required.contains(key) { required.append(key) }
            }
        }
        // Values of keys not in `properties`: nil means none are allowed.
        var additional: Node?
        let additionalSchema = members.first(where: { $0.key == "additionalProperties" })?.value
        switch additionalSchema {
        case nil: additional = hasProperties ? nil : try json.anyValue()
        case .bool(let allowed)?: additional = allowed ? try json.anyValue() : nil
        case let schema?: additional = try compile(schema, at: pointer + "/additionalProperties")
        }

        var list: [Member] = []
        for (key, schema) in properties {
            let propertyPointer = pointer + "/properties/" + Self.escape(key)
            let isRequired = required.contains(key)
            guard let value = try compile(schema, at: propertyPointer) else {
                if isRequired {
                    throw .unsatisfiable(
                        pointer: propertyPointer, reason: "required property '\(key)' has no valid value")
                }
                continue
            }
            list.append(Member(key: key, value: value, required: isRequired))
        }
        for key in required where !properties.contains(where: { $0.key == key }) {
            let value: Node
            if let additional {
                value = additional
            } else if additionalSchema == nil {
                // Required but undeclared: any value validates.
                value = try json.anyValue()
            } else {
                throw .unsatisfiable(
                    pointer: pointer + "/required", reason: "'\(key)' is required but additionalProperties forbids it")
            }
            list.append(Member(key: key, value: value, required: true))
        }
        let named = properties.map(\.key) + required
        var extra: Node?
        if let additional { extra = try extraMember(excluding: named, value: additional) }
        return try objectGrammar(list, extra: extra)
    }

    /// `{ ws members ws }` where members follow the list order, required ones always present,
    /// then any number of extra members. Built right to left so every suffix is one shared node.
    private mutating func objectGrammar(_ list: [Member], extra: Node?) throws(GrammarError) -> Node {
        let ws = try json.whitespace()
        let separator = try json.ir.sequence([ws, try json.ir.byte(0x2C), ws])
        var entries: [Node] = []
        for member in list {
            entries.append(
                try json.ir.sequence([
                    try json.ir.literal(JSONValue.quoted(member.key)), ws, try json.ir.byte(0x3A), ws, member.value,
                ]))
        }
        // after[i]: members i... once something was written (each preceded by a comma).
        // first[i]: members i... when nothing was written yet (nil: none can be first).
        var after = try json.ir.empty()
        var first: Node?
        if let extra {
            after = try json.ir.repeated(try json.ir.sequence([separator, extra]), min: 0, max: nil)
            first = try json.ir.sequence([extra, after])
        }
        for index in list.indices.reversed() {
            let withComma = try json.ir.sequence([separator, entries[index]])
            let startHere = try json.ir.sequence([entries[index], after])
            if list[index].required {
                first = startHere
                after = try json.ir.sequence([withComma, after])
            } else {
                if let later = first {
                    first = try json.ir.choice([startHere, later])
                } else {
                    first = startHere
                }
                after = try json.ir.sequence([try json.ir.optional(withComma), after])
            }
        }
        let open = try json.ir.byte(0x7B)
        let close = try json.ir.byte(0x7D)
        guard let first else { return try json.ir.sequence([open, ws, close]) }
        if list.contains(where: \.required) {
            return try json.ir.sequence([open, ws, first, ws, close])
        }
        return try json.ir.sequence([open, ws, try json.ir.optional(try json.ir.sequence([first, ws])), close])
    }

    /// `"key": value` for keys other than `excluded`. Keys are written without escapes so that
    /// "not one of the named keys" is a property of the text itself.
    private mutating func extraMember(excluding excluded: [String], value: Node) throws(GrammarError) -> Node {
        let plain = CodePointSet([0x20...0x21, 0x23...0x5B, 0x5D...CodePointSet.maxScalar])
        let names = Set(excluded.filter { $0.unicodeScalars.allSatisfy { plain.contains($0.value) } })
        let anyTail = try json.ir.repeated(try json.ir.scalars(plain), min: 0, max: nil)
        // Trie over the excluded names: at each prefix, stop (unless the prefix is a name),
        // leave the trie with any other scalar, or follow a child.
        func keyAfter(_ prefix: [UInt32], _ json: inout JSONGrammar) throws(GrammarError) -> Node {
            let continuing = names.map { Array($0.unicodeScalars.map(\.value)) }
                .filter { $0.count > prefix.count && Array($0.prefix(prefix.count)) == prefix }
            let children = Set(continuing.map { $0[prefix.count] })
            var options: [Node] = []
            let prefixText = String(String.UnicodeScalarView(prefix.compactMap(Unicode.Scalar.init)))
            if !names.contains(prefixText) { options.append(try json.ir.empty()) }
            var others = plain
            for child in children { others = others.subtracting(CodePointSet(child)) }
            if !others.isEmpty { options.append(try json.ir.sequence([try json.ir.scalars(others), anyTail])) }
            for child in children.sorted() {
                options.append(
                    try json.ir.sequence([
                        try json.ir.scalars(CodePointSet(child)), try keyAfter(prefix + [child], &json),
                    ]))
            }
            return try json.ir.choice(options)
        }
        guard names.reduce(0, { $0 + $1.unicodeScalars.count }) <= 20_000 else {
            throw .tooComplex("property names too long in total")
        }
        let key = try json.quoted(try keyAfter([], &json))
        let ws = try json.whitespace()
        return try json.ir.sequence([key, ws, try json.ir.byte(0x3A), ws, value])
    }
}
