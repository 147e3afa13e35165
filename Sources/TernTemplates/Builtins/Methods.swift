/// Method lookup: `receiver.name` resolving to a callable bound to the receiver.
extension Interpreter {
    /// The method `name` of `receiver`, or nil if Python has no such (safe) method.
    func method(_ name: String, of receiver: Value) -> Function? {
        switch receiver {
        case .string(let text) where StringMethods.names.contains(name):
            return Function(name: "str.\(name)") { _, arguments throws(TemplateError) in
                try StringMethods.call(name, text, arguments)
            }
        case .dict(let dict) where ["items", "keys", "values", "get", "copy"].contains(name):
            return Function(name: "dict.\(name)") { _, arguments throws(TemplateError) in
                try Self.dictMethod(name, dict, arguments)
            }
        case .list(let items) where ["index", "count", "copy"].contains(name),
            .tuple(let items) where ["index", "count"].contains(name):
            return Function(name: "\(receiver.typeName).\(name)") { _, arguments throws(TemplateError) in
                try Self.sequenceMethod(name, items, arguments)
            }
        default:
            return nil
        }
    }

    private static func dictMethod(_ name: String, _ dict: ValueDict, _ arguments: Arguments) throws(TemplateError)
        -> Value
    {
        switch name {
        case "get":
            let bound = try arguments.bind("dict.get", ["key", "default"])
            guard let key = bound[0] else { throw .runtime("get expected at least 1 argument, got 0") }
            if case .string(let name) = key, let found = dict[name] { return found }
            return bound[1] ?? .none
        case "copy":
            _ = try arguments.bind("dict.copy", [])
            return .dict(dict)
        case "keys":
            _ = try arguments.bind("dict.keys", [])
            return .list(dict.keys.map(Value.string))
        case "values":
            _ = try arguments.bind("dict.values", [])
            return .list(dict.values)
        default:
            _ = try arguments.bind("dict.items", [])
            return .list(dict.entries.map { .tuple([.string($0.key), $0.value]) })
        }
    }

    private static func sequenceMethod(_ name: String, _ items: [Value], _ arguments: Arguments) throws(TemplateError)
        -> Value
    {
        switch name {
        case "copy":
            _ = try arguments.bind("list.copy", [])
            return .list(items)
        case "count":
            guard let target = try arguments.bind("count", ["value"])[0] else {
                throw .runtime("count() takes exactly one argument (0 given)")
            }
            return .int(items.filter { pythonEquals($0, target) }.count)
        default:
            guard let target = try arguments.bind("index", ["value"])[0] else {
                throw .runtime("index expected at least 1 argument, got 0")
            }
            guard let position = items.firstIndex(where: { pythonEquals($0, target) }) else {
                throw .runtime("\(target.pythonRepr) is not in list")
            }
            return .int(position)
        }
    }
}
