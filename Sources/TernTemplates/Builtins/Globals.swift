/// Global functions every render sees: jinja2's `range`, `dict`, `namespace`, and the two that
/// transformers adds, `raise_exception` and `strftime_now`.
enum Globals {
    /// jinja2's sandbox refuses ranges longer than this.
    static let maxRange = 100_000

    static var all: [String: Value] {
        [
            "range": .function(Function(name: "range", call: range)),
            "dict": .function(Function(name: "dict", call: dict)),
            "namespace": .function(Function(name: "namespace", call: namespace)),
            "raise_exception": .function(Function(name: "raise_exception", call: raiseException)),
            "strftime_now": .function(Function(name: "strftime_now", call: strftimeNow)),
        ]
    }

    private static func range(_ interpreter: Interpreter, _ arguments: Arguments) throws(TemplateError) -> Value {
        guard arguments.keywords.isEmpty else { throw .runtime("range() takes no keyword arguments") }
        var bounds: [Int] = []
        for value in arguments.positional {
            guard let integer = try value.requireDefined().integerValue else {
                throw .runtime("'\(value.typeName)' object cannot be interpreted as an integer")
            }
            bounds.append(integer)
        }
        let (start, stop, step): (Int, Int, Int)
        switch bounds.count {
        case 1: (start, stop, step) = (0, bounds[0], 1)
        case 2: (start, stop, step) = (bounds[0], bounds[1], 1)
        case 3: (start, stop, step) = (bounds[0], bounds[1], bounds[2])
        default: throw .runtime("range expected 1 to 3 arguments, got \(bounds.count)")
        }
        guard step != 0 else { throw .runtime("range() arg 3 must not be zero") }
        let span = step > 0 ? Double(stop) - Double(start) : Double(start) - Double(stop)
        let count = span <= 0 ? 0 : Int((span / Double(abs(step))).rounded(.up))
        guard count <= maxRange else {
            throw .runtime("Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maxRange)).")
        }
        try interpreter.step(count)
        return .list((0..<count).map { .int(start + $0 * step) })
    }

    private static func dict(_ interpreter: Interpreter, _ arguments: Arguments) throws(TemplateError) -> Value {
        var result = ValueDict()
        if let first = arguments.positional.first {
            guard arguments.positional.count == 1 else { throw .runtime("dict expected at most 1 argument") }
            result = try mapping(from: first)
        }
        for (key, value) in arguments.keywords {
            result[key] = value
        }
        return .dict(result)
    }

    private static func namespace(_ interpreter: Interpreter, _ arguments: Arguments) throws(TemplateError) -> Value {
        var attributes = ValueDict()
        for value in arguments.positional {
            for (key, item) in try mapping(from: value).entries {
                attributes[key] = item
            }
        }
        for (key, value) in arguments.keywords {
            attributes[key] = value
        }
        let namespace = Namespace(attributes)
        interpreter.namespaces.append(namespace)
        return .namespace(namespace)
    }

    /// A dict from a dict or from a sequence of key/value pairs, as Python's `dict(x)` reads it.
    private static func mapping(from value: Value) throws(TemplateError) -> ValueDict {
        switch try value.requireDefined() {
        case .dict(let dict): return dict
        case .namespace(let namespace): return namespace.attributes
        default:
            guard let pairs = try value.iterated() else { throw .runtime("'\(value.typeName)' object is not iterable") }
            var result = ValueDict()
            for pair in pairs {
                guard let parts = try pair.iterated(), parts.count == 2, case .string(let key) = parts[0] else {
                    throw .runtime("dictionary update sequence elements must be (string key, value) pairs")
                }
                result[key] = parts[1]
            }
            return result
        }
    }

    private static func raiseException(_ interpreter: Interpreter, _ arguments: Arguments) throws(TemplateError)
        -> Value
    {
        let message = try arguments.bind("raise_exception", ["message"])[0]
        throw .raised(message: message?.pythonString ?? "")
    }

    private static func strftimeNow(_ interpreter: Interpreter, _ arguments: Arguments) throws(TemplateError) -> Value {
        guard case .string(let format)? = try arguments.bind("strftime_now", ["format"])[0] else {
            throw .runtime("strftime_now() argument must be a string")
        }
        let options = interpreter.options
        return .string(try Strftime.format(options.now(), format, timeZone: options.timeZone))
    }
}
