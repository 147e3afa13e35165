/// Filters over sequences and mappings: length, join, map/select, sort, unique, groupby, ...
extension Interpreter {
    func collectionFilter(_ name: String, _ value: Value, _ arguments: Arguments) throws(TemplateError) -> Value? {
        switch name {
        case "length", "count":
            _ = try arguments.bind(name, [])
            switch value {
            case .iterator(let iterator): throw .runtime("object of type '\(iterator.typeName)' has no len()")
            case .string(let text): return .int(text.unicodeScalars.count)
            case .list(let items), .tuple(let items): return .int(items.count)
            case .dict(let dict): return .int(dict.count)
            case .namespace(let namespace): return .int(namespace.attributes.count)
            case .undefined: return .int(0)
            default: throw .runtime("object of type '\(value.typeName)' has no len()")
            }
        case "default", "d":
            let bound = try arguments.bind(
                name, ["default_value", "boolean"], defaults: ["default_value": .string("")])
            let useDefault = value.isUndefined || (bound[1]?.isTruthy == true && !value.isTruthy)
            return useDefault ? bound[0] ?? .string("") : value
        case "first", "last":
            _ = try arguments.bind(name, [])
            let picked: Value?
            switch (name, value) {
            case ("first", .iterator(let iterator)): picked = try iterator.next()
            case ("last", .iterator(let iterator)): throw .runtime("'\(iterator.typeName)' object is not reversible")
            default:
                let items = try iterate(value, name)
                picked = name == "first" ? items.first : items.last
            }
            return picked ?? .undefined(Undefined(message: "No \(name) item, sequence was empty."))
        case "list":
            _ = try arguments.bind(name, [])
            return .list(try iterate(value, name))
        case "join":
            let bound = try arguments.bind(name, ["d", "attribute"], defaults: ["d": .string("")])
            var items = try iterate(value, name)
            if let attribute = bound[1], !attribute.isNone {
                let getter = try attributeGetter(attribute)
                items = try mapValues(items, getter)
            }
            return .string(items.map(\.pythonString).joined(separator: (bound[0] ?? .string("")).pythonString))
        case "items":
            _ = try arguments.bind(name, [])
            return lazy { (items: inout [Value]) throws(TemplateError) in
                if value.isUndefined { return }
                guard case .dict(let dict) = value else { throw .runtime("Can only get item pairs from a mapping.") }
                items = dict.entries.map { .tuple([.string($0.key), $0.value]) }
            }
        case "dictsort":
            return try dictSort(value, arguments)
        case "sort":
            let bound = try arguments.bind(
                name, ["reverse", "case_sensitive", "attribute"], defaults: ["reverse": .bool(false)])
            let keys = try sortKeys(
                try iterate(value, name), attributes: bound[2], caseSensitive: bound[1]?.isTruthy ?? false)
            return .list(try stableSorted(keys, reverse: bound[0]?.isTruthy ?? false).map(\.item))
        case "unique":
            let bound = try arguments.bind(name, ["case_sensitive", "attribute"])
            let getter = try attributeGetter(bound[1] ?? .none, caseSensitive: bound[0]?.isTruthy ?? false)
            return lazy { (unique: inout [Value]) throws(TemplateError) in
                var seen: [Value] = []
                for item in try iterate(value, name) {
                    let key = try getter(item)
                    switch key {
                    case .list, .dict, .namespace: throw .runtime("unhashable type: '\(key.typeName)'")
                    default: break
                    }
                    if !seen.contains(where: { pythonEquals($0, key) }) {
                        seen.append(key)
                        unique.append(item)
                    }
                }
            }
        case "reverse":
            _ = try arguments.bind(name, [])
            switch value {
            case .string(let text):
                return .string(String(String.UnicodeScalarView(text.unicodeScalars.reversed())))
            case .list(let items), .tuple(let items):
                return .iterator(ValueIterator("list_reverseiterator", items: items.reversed()))
            case .dict(let dict):
                return .iterator(
                    ValueIterator("dict_reversekeyiterator", items: dict.keys.reversed().map(Value.string)))
            default:
                // Python's reversed() fails here, so jinja2 falls back to a reversed list.
                return .list(try iterate(value, name).reversed())
            }
        case "sum":
            let bound = try arguments.bind(name, ["attribute", "start"], defaults: ["start": .int(0)])
            var items = try iterate(value, name)
            if let attribute = bound[0], !attribute.isNone {
                items = try mapValues(items, try attributeGetter(attribute))
            }
            var total = bound[1] ?? .int(0)
            for item in items {
                total = try binary(.add, total, item)
            }
            return total
        case "min", "max":
            let bound = try arguments.bind(name, ["case_sensitive", "attribute"])
            let keys = try sortKeys(
                try iterate(value, name), attributes: bound[1], caseSensitive: bound[0]?.isTruthy ?? false)
            guard var best = keys.first else {
                return .undefined(Undefined(message: "No aggregated item, sequence was empty."))
            }
            for candidate in keys.dropFirst() {
                let better =
                    name == "min" ? try pythonLess(candidate.key, best.key) : try pythonLess(best.key, candidate.key)
                if better { best = candidate }
            }
            return best.item
        case "map":
            return lazy { (items: inout [Value]) throws(TemplateError) in items = try mapFilter(value, arguments) }
        case "select", "reject", "selectattr", "rejectattr":
            return lazy { (items: inout [Value]) throws(TemplateError) in
                items = try selectFilter(name, value, arguments)
            }
        case "batch":
            let bound = try arguments.bind(name, ["linecount", "fill_with"])
            let size = try StringMethods.requireInt(bound[0], name)
            guard size > 0 else { throw .runtime("batch size must be positive") }
            return lazy { (batches: inout [Value]) throws(TemplateError) in
                let items = try iterate(value, name)
                var start = 0
                while start < items.count {
                    var batch = Array(items[start..<min(start + size, items.count)])
                    if batch.count < size, let fill = bound[1], !fill.isNone {
                        batch += Array(repeating: fill, count: size - batch.count)
                    }
                    batches.append(.list(batch))
                    start += size
                }
            }
        case "groupby":
            return try groupBy(value, arguments)
        case "attr":
            let attributeName = try StringMethods.requireString(arguments.bind(name, ["name"])[0], name)
            if case .namespace(let namespace) = value {
                return namespace.attributes[attributeName] ?? .undefined(.attribute(attributeName, of: value))
            }
            return method(attributeName, of: value).map(Value.function)
                ?? .undefined(.attribute(attributeName, of: value))
        default:
            return nil
        }
    }

    /// A generator-like result: the items `body` produces, with any error it raises deferred to
    /// whoever iterates the result, as with jinja2's generator filters.
    func lazy(_ body: (inout [Value]) throws(TemplateError) -> Void) -> Value {
        var items: [Value] = []
        var failure: TemplateError?
        do throws(TemplateError) {
            try body(&items)
        } catch {
            failure = error
        }
        return .iterator(ValueIterator("generator", items: items, failure: failure))
    }

    /// The items a filter iterates over; undefined is empty, non-iterables are an error.
    func iterate(_ value: Value, _ filter: String) throws(TemplateError) -> [Value] {
        guard let items = try value.iterated() else { throw .runtime("'\(value.typeName)' object is not iterable") }
        return items
    }

    func mapValues(_ items: [Value], _ transform: (Value) throws(TemplateError) -> Value) throws(TemplateError)
        -> [Value]
    {
        var result: [Value] = []
        result.reserveCapacity(items.count)
        for item in items {
            result.append(try transform(item))
        }
        return result
    }

    /// jinja2's attribute getter: `"a.b.0"` walks items (numeric parts as indices); missing parts
    /// give `default` when one is set; `caseSensitive: false` lower-cases string results.
    func attributeGetter(_ attribute: Value, default fallback: Value? = nil, caseSensitive: Bool = true)
        throws(TemplateError) -> (Value) throws(TemplateError) -> Value
    {
        let parts: [Value]
        switch attribute {
        case .none, .undefined: parts = []
        case .string(let path):
            parts = path.split(separator: ".", omittingEmptySubsequences: false).map { part in
                part.allSatisfy(\.isASCII) && !part.isEmpty && part.allSatisfy(\.isNumber)
                    ? .int(Int(part) ?? 0) : .string(String(part))
            }
        default:
            guard attribute.integerValue != nil else { throw .runtime("attribute must be a string or an integer") }
            parts = [attribute]
        }
        return { (item: Value) throws(TemplateError) -> Value in
            var current = item
            for part in parts {
                current = try self.item(part, of: current)
                if let fallback, !fallback.isNone, current.isUndefined { current = fallback }
            }
            if !caseSensitive, case .string(let text) = current { return .string(text.lowercased()) }
            return current
        }
    }

    /// Each item with its sort key (a tuple of the comma-separated attributes' values).
    private func sortKeys(_ items: [Value], attributes: Value?, caseSensitive: Bool) throws(TemplateError)
        -> [(key: Value, item: Value)]
    {
        var getters: [(Value) throws(TemplateError) -> Value] = []
        if case .string(let list)? = attributes {
            for attribute in list.split(separator: ",", omittingEmptySubsequences: false) {
                getters.append(try attributeGetter(.string(String(attribute)), caseSensitive: caseSensitive))
            }
        } else {
            getters.append(try attributeGetter(attributes ?? .none, caseSensitive: caseSensitive))
        }
        var keyed: [(key: Value, item: Value)] = []
        for item in items {
            if getters.count == 1 {
                keyed.append((try getters[0](item), item))
            } else {
                var parts: [Value] = []
                for getter in getters {
                    parts.append(try getter(item))
                }
                keyed.append((.list(parts), item))
            }
        }
        return keyed
    }

    /// A stable merge sort, since comparing mixed types throws and the standard sort cannot.
    func stableSorted(_ items: [(key: Value, item: Value)], reverse: Bool) throws(TemplateError) -> [(
        key: Value, item: Value
    )] {
        guard items.count > 1 else { return items }
        let middle = items.count / 2
        let left = try stableSorted(Array(items[..<middle]), reverse: reverse)
        let right = try stableSorted(Array(items[middle...]), reverse: reverse)
        var merged: [(key: Value, item: Value)] = []
        merged.reserveCapacity(items.count)
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            // Take from the right only when strictly before the left element, which keeps ties in order.
            let takeRight =
                reverse ? try pythonLess(left[i].key, right[j].key) : try pythonLess(right[j].key, left[i].key)
            if takeRight {
                merged.append(right[j])
                j += 1
            } else {
                merged.append(left[i])
                i += 1
            }
        }
        merged += left[i...]
        merged += right[j...]
        return merged
    }

    private func dictSort(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> Value {
        let bound = try arguments.bind(
            "dictsort", ["case_sensitive", "by", "reverse"], defaults: ["by": .string("key")])
        guard case .dict(let dict) = try value.requireDefined() else { throw .runtime("dictsort expects a mapping") }
        let by = try StringMethods.requireString(bound[1], "dictsort")
        guard by == "key" || by == "value" else { throw .runtime("You can only sort by either \"key\" or \"value\"") }
        let caseSensitive = bound[0]?.isTruthy ?? false
        let keyed: [(key: Value, item: Value)] = dict.entries.map { entry in
            var key: Value = by == "key" ? .string(entry.key) : entry.value
            if !caseSensitive, case .string(let text) = key { key = .string(text.lowercased()) }
            return (key, .tuple([.string(entry.key), entry.value]))
        }
        return .list(try stableSorted(keyed, reverse: bound[2]?.isTruthy ?? false).map(\.item))
    }

    private func mapFilter(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> [Value] {
        guard value.isTruthy else { return [] }
        let items = try iterate(value, "map")
        if arguments.positional.isEmpty, let attribute = arguments.keyword("attribute") {
            if let extra = arguments.keywords.first(where: { $0.name != "attribute" && $0.name != "default" }) {
                throw .runtime("Unexpected keyword argument '\(extra.name)'")
            }
            return try mapValues(items, try attributeGetter(attribute, default: arguments.keyword("default")))
        }
        guard case .string(let filter)? = arguments.positional.first else {
            throw .runtime("map requires a filter argument")
        }
        let rest = Arguments(Array(arguments.positional.dropFirst()), keywords: arguments.keywords)
        return try mapValues(items) { (item) throws(TemplateError) in try applyFilter(filter, to: item, rest) }
    }

    private func selectFilter(_ name: String, _ value: Value, _ arguments: Arguments) throws(TemplateError) -> [Value] {
        guard value.isTruthy else { return [] }
        let items = try iterate(value, name)
        let byAttribute = name.hasSuffix("attr")
        var positional = arguments.positional
        var getter: (Value) throws(TemplateError) -> Value = { $0 }
        if byAttribute {
            guard !positional.isEmpty else { throw .runtime("Missing parameter for attribute name") }
            getter = try attributeGetter(positional.removeFirst())
        }
        let testName: String?
        if positional.isEmpty {
            testName = nil
        } else {
            guard case .string(let given) = positional.removeFirst() else {
                throw .runtime("test name must be a string")
            }
            testName = given
        }
        let testArguments = Arguments(positional, keywords: arguments.keywords)
        let wanted = name.hasPrefix("select")
        var kept: [Value] = []
        for item in items {
            let subject = try getter(item)
            let passed =
                try testName.map { (test) throws(TemplateError) in try applyTest(test, to: subject, testArguments) }
                ?? subject.isTruthy
            if passed == wanted { kept.append(item) }
        }
        return kept
    }

    private func groupBy(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> Value {
        let bound = try arguments.bind("groupby", ["attribute", "default", "case_sensitive"])
        guard let attribute = bound[0] else { throw .runtime("groupby() requires an attribute") }
        let caseSensitive = bound[2]?.isTruthy ?? false
        let keyGetter = try attributeGetter(attribute, default: bound[1], caseSensitive: caseSensitive)
        let outputGetter = try attributeGetter(attribute, default: bound[1])
        var keyed: [(key: Value, item: Value)] = []
        for item in try iterate(value, "groupby") {
            keyed.append((try keyGetter(item), item))
        }
        var groups: [(key: Value, items: [Value])] = []
        for entry in try stableSorted(keyed, reverse: false) {
            if let last = groups.last, pythonEquals(last.key, entry.key) {
                groups[groups.count - 1].items.append(entry.item)
            } else {
                groups.append((entry.key, [entry.item]))
            }
        }
        var result: [Value] = []
        for group in groups {
            let grouper = caseSensitive ? group.key : try outputGetter(group.items[0])
            result.append(.tuple([grouper, .list(group.items)]))
        }
        return .list(result)
    }
}
