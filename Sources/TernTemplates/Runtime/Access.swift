/// `a.b`, `a[b]` and `a[x:y:z]` with jinja2's rules: attribute access falls back to item access and
/// the other way round, and whatever is missing becomes undefined rather than an error. Only using
/// an undefined value further fails.
extension Interpreter {
    /// Mutating methods blocked by transformers' ImmutableSandboxedEnvironment.
    static let unsafeMethods: [String: Set<String>] = [
        "list": ["append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"],
        "dict": ["clear", "pop", "popitem", "setdefault", "update"],
    ]

    func attribute(_ name: String, of value: Value) throws(TemplateError) -> Value {
        switch value {
        case .undefined(let undefined):
            throw .runtime(undefined.message)
        case .dict(let dict):
            if let method = method(name, of: value) { return .function(method) }
            if Self.unsafeMethods["dict"]?.contains(name) == true { return unsafe(name, of: value) }
            return dict[name] ?? .undefined(.attribute(name, of: value))
        case .namespace(let namespace):
            return namespace.attributes[name] ?? .undefined(.attribute(name, of: value))
        case .loop(let loop):
            return loopAttribute(name, loop) ?? .undefined(.attribute(name, of: value))
        case .list:
            if Self.unsafeMethods["list"]?.contains(name) == true { return unsafe(name, of: value) }
            fallthrough
        default:
            if let method = method(name, of: value) { return .function(method) }
            return .undefined(.attribute(name, of: value))
        }
    }

    private func unsafe(_ name: String, of value: Value) -> Value {
        .undefined(Undefined(message: "access to attribute '\(name)' of '\(value.typeName)' object is unsafe."))
    }

    func item(_ key: Value, of value: Value) throws(TemplateError) -> Value {
        switch value {
        case .undefined(let undefined):
            throw .runtime(undefined.message)
        case .dict(let dict):
            if case .string(let name) = key {
                if let found = dict[name] { return found }
                return try attribute(name, of: value)
            }
        case .list(let items), .tuple(let items):
            if let index = key.integerValue {
                return element(at: index, count: items.count).map { items[$0] }
                    ?? .undefined(Undefined(message: "'\(value.typeName) object' has no element \(index)"))
            }
        case .string(let text):
            if let index = key.integerValue {
                let scalars = Array(text.unicodeScalars)
                return element(at: index, count: scalars.count).map { .string(String(scalars[$0])) }
                    ?? .undefined(Undefined(message: "'str object' has no element \(index)"))
            }
        default:
            break
        }
        if case .string(let name) = key { return try attribute(name, of: value) }
        return .undefined(Undefined(message: "'\(value.typeName) object' has no element \(key.pythonRepr)"))
    }

    /// Python indexing: negative counts from the end; nil when out of range.
    private func element(at index: Int, count: Int) -> Int? {
        let resolved = index < 0 ? index + count : index
        return resolved >= 0 && resolved < count ? resolved : nil
    }

    func slice(_ value: Value, start: Value?, stop: Value?, step: Value?) throws(TemplateError) -> Value {
        func bound(_ bound: Value?) throws(TemplateError) -> Int? {
            guard let bound, !bound.isNone else { return nil }
            guard let integer = try bound.requireDefined().integerValue else {
                throw .runtime("slice indices must be integers or None")
            }
            return integer
        }
        let stride = try bound(step) ?? 1
        guard stride != 0 else { throw .runtime("slice step cannot be zero") }
        let first = try bound(start)
        let last = try bound(stop)
        switch try value.requireDefined() {
        case .list(let items):
            return .list(sliceIndices(count: items.count, first, last, stride).map { items[$0] })
        case .tuple(let items):
            return .tuple(sliceIndices(count: items.count, first, last, stride).map { items[$0] })
        case .string(let text):
            let scalars = Array(text.unicodeScalars)
            var result = String.UnicodeScalarView()
            for index in sliceIndices(count: scalars.count, first, last, stride) {
                result.append(scalars[index])
            }
            return .string(String(result))
        default:
            return .undefined(Undefined(message: "'\(value.typeName)' object is not subscriptable"))
        }
    }

    /// The indices Python's `slice(start, stop, step).indices(count)` visits.
    private func sliceIndices(count: Int, _ start: Int?, _ stop: Int?, _ step: Int) -> [Int] {
        let lower = step > 0 ? 0 : -1
        let upper = step > 0 ? count : count - 1
        func clamp(_ value: Int?, default defaultValue: Int) -> Int {
            guard var value else { return defaultValue }
            if value < 0 {
                value += count
                return max(value, lower)
            }
            return min(value, upper)
        }
        let begin = clamp(start, default: step > 0 ? lower : upper)
        let end = clamp(stop, default: step > 0 ? upper : lower)
        var indices: [Int] = []
        var index = begin
        while step > 0 ? index < end : index > end {
            indices.append(index)
            index += step
        }
        return indices
    }

    private func loopAttribute(_ name: String, _ loop: LoopState) -> Value? {
        switch name {
        case "index": .int(loop.index0 + 1)
        case "index0": .int(loop.index0)
        case "revindex": .int(loop.length - loop.index0)
        case "revindex0": .int(loop.length - loop.index0 - 1)
        case "first": .bool(loop.index0 == 0)
        case "last": .bool(loop.index0 == loop.length - 1)
        case "length": .int(loop.length)
        case "depth": .int(loop.depth)
        case "depth0": .int(loop.depth - 1)
        case "previtem": loop.previous ?? .undefined(Undefined(message: "there is no previous item"))
        case "nextitem": loop.next ?? .undefined(Undefined(message: "there is no next item"))
        case "cycle":
            .function(
                Function(name: "loop.cycle") { _, arguments throws(TemplateError) in
                    guard !arguments.positional.isEmpty else { throw .runtime("no items for cycling given") }
                    return arguments.positional[loop.index0 % arguments.positional.count]
                })
        default: nil
        }
    }
}
