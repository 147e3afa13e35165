/// Arrays: `prefixItems`, `items`, `minItems`, `maxItems`.
extension JSONSchemaCompiler {
    static let maxUnrolledItems = 1_000

    mutating func compileArrayType(_ members: Members, at pointer: String) throws(GrammarError) -> Node? {
        if let unique = members.first(where: { $0.key == "uniqueItems" })?.value, unique != .bool(false) {
            throw .unsupportedValue(
                keyword: "uniqueItems", pointer: pointer + "/uniqueItems",
                reason: "uniqueItems: true cannot be enforced by a grammar")
        }
        let minItems = try nonNegativeInteger(members, "minItems", at: pointer) ?? 0
        var maxItems = try nonNegativeInteger(members, "maxItems", at: pointer)
        var prefix: [Node] = []
        if let value = members.first(where: { $0.key == "prefixItems" })?.value {
            guard case .array(let schemas) = value else {
                throw .invalidSchema(pointer: pointer + "/prefixItems", reason: "prefixItems must be an array")
            }
            for (index, schema) in schemas.enumerated() {
                // An item that can never be valid caps the length before it.
                guard let node = try compile(schema, at: pointer + "/prefixItems/\(index)") else {
                    maxItems = min(maxItems ?? index, index)
                    break
                }
                prefix.append(node)
            }
        }
        var item: Node?
        switch members.first(where: { $0.key == "items" })?.value {
        case nil: item = try json.anyValue()
        case .array?:
            throw .unsupportedValue(
                keyword: "items", pointer: pointer + "/items", reason: "items as an array (use prefixItems for tuples)")
        case let schema?:
            item = try compile(schema, at: pointer + "/items")
            let copies = (maxItems ?? minItems) + 1
            item = try item.map { node throws(GrammarError) in try share(node, name: pointer + "/items", copies: copies)
            }
        }
        if item == nil { maxItems = min(maxItems ?? prefix.count, prefix.count) }
        if let maxItems, maxItems < minItems { return nil }
        guard minItems <= Self.maxUnrolledItems, (maxItems ?? 0) <= Self.maxUnrolledItems else {
            throw .tooComplex("minItems/maxItems above \(Self.maxUnrolledItems) at #\(pointer)")
        }
        let ws = try json.whitespace()
        let separator = try json.ir.sequence([ws, try json.ir.byte(0x2C), ws])
        let open = try json.ir.byte(0x5B)
        let close = try json.ir.byte(0x5D)
        if maxItems == 0 { return try json.ir.sequence([open, ws, close]) }

        // rest(j): positions j..., each preceded by a comma, honouring the count bounds.
        func rest(_ j: Int, _ compiler: inout JSONSchemaCompiler) throws(GrammarError) -> Node {
            if let maxItems, j >= maxItems { return try compiler.json.ir.empty() }
            if j >= prefix.count {
                guard let item else { return try compiler.json.ir.empty() }
                let more = try compiler.json.ir.sequence([separator, item])
                return try compiler.json.ir.repeated(more, min: max(0, minItems - j), max: maxItems.map { $0 - j })
            }
            let here = try compiler.json.ir.sequence([separator, prefix[j], try rest(j + 1, &compiler)])
            return j < minItems ? here : try compiler.json.ir.optional(here)
        }
        let firstItem = prefix.first ?? item
        guard let firstItem else { return try json.ir.sequence([open, ws, close]) }
        let items = try json.ir.sequence([firstItem, try rest(1, &self)])
        if minItems > 0 { return try json.ir.sequence([open, ws, items, ws, close]) }
        return try json.ir.sequence([open, ws, try json.ir.optional(try json.ir.sequence([items, ws])), close])
    }
}
