/// A value during rendering: the JSON-like values of ``TemplateValue`` plus what only exists
/// inside a render (undefined, tuples, namespaces, functions, the loop object).
indirect enum Value {
    /// A missing variable, key or attribute. Printing it gives "", testing it gives false;
    /// using it further (attribute, call, arithmetic) fails with `message`.
    case undefined(Undefined)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case tuple([Value])
    case dict(ValueDict)
    case namespace(Namespace)
    case function(Function)
    case loop(LoopState)
    /// What Python's lazy filters return (`select`, `map`, `unique`, `reverse`, ...): iterable once,
    /// always truthy, without a length.
    case iterator(ValueIterator)
}

/// A one-shot iterator. jinja2's `map`/`select`/... are generators: their items are computed here
/// up front, and an error met while computing them is kept and raised when the iteration gets there.
final class ValueIterator {
    /// Python's type name: "generator", "list_reverseiterator", ...
    let typeName: String
    private let items: [Value]
    private var position = 0
    private var failure: TemplateError?

    init(_ typeName: String, items: [Value], failure: TemplateError? = nil) {
        self.typeName = typeName
        self.items = items
        self.failure = failure
    }

    /// The items not consumed yet, consuming them; raises the deferred error if there is one
    /// (Python would raise when reaching it, after which nothing of the render is kept anyway).
    func drain() throws(TemplateError) -> [Value] {
        let rest = Array(items[position...])
        position = items.count
        if let failure {
            self.failure = nil
            throw failure
        }
        return rest
    }

    /// The next item, or nil at the end (Python's `next()`).
    func next() throws(TemplateError) -> Value? {
        if position < items.count {
            position += 1
            return items[position - 1]
        }
        if let failure {
            self.failure = nil
            throw failure
        }
        return nil
    }
}

/// Why a value is undefined, kept for the error raised when it is used.
struct Undefined {
    var message: String

    static func name(_ name: String) -> Undefined {
        Undefined(message: "'\(name)' is undefined")
    }

    static func attribute(_ name: String, of value: Value) -> Undefined {
        Undefined(message: "'\(value.typeName) object' has no attribute '\(name)'")
    }
}

/// A string-keyed dict in insertion order (Python dict semantics for the string keys JSON has).
struct ValueDict {
    private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    init() {}

    init<S: Sequence>(_ entries: S) where S.Element == (String, Value) {
        for (key, value) in entries {
            self[key] = value
        }
    }

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    var entries: [(key: String, value: Value)] {
        keys.compactMap { key in storage[key].map { (key, $0) } }
    }

    var values: [Value] { keys.compactMap { storage[$0] } }

    subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }
}

/// The mutable object made by `namespace()`: the one way to carry state out of a loop.
final class Namespace {
    var attributes: ValueDict

    init(_ attributes: ValueDict) {
        self.attributes = attributes
    }
}

/// A callable: a builtin global, a bound method, a filter used as a value, or a macro.
struct Function {
    var name: String
    var call: (Interpreter, Arguments) throws(TemplateError) -> Value
}

/// The `loop` variable inside a `for` body.
struct LoopState {
    var index0: Int
    var length: Int
    var previous: Value?
    var next: Value?
    var depth: Int
}

/// Arguments at run time: positional values, then keywords in call order.
struct Arguments {
    var positional: [Value] = []
    var keywords: [(name: String, value: Value)] = []

    init(_ positional: [Value] = [], keywords: [(name: String, value: Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    func keyword(_ name: String) -> Value? {
        keywords.last { $0.name == name }?.value
    }

    /// Binds the arguments to a Python-style signature and returns one value per parameter
    /// (nil when neither given nor defaulted), rejecting extra or duplicate arguments.
    func bind(_ function: String, _ parameters: [String], defaults: [String: Value] = [:]) throws(TemplateError)
        -> [Value?]
    {
        guard positional.count <= parameters.count else {
            throw .runtime("\(function)() takes at most \(parameters.count) argument(s) (\(positional.count) given)")
        }
        var bound: [Value?] = parameters.map { defaults[$0] }
        for (index, value) in positional.enumerated() {
            bound[index] = value
        }
        for (name, value) in keywords {
            guard let index = parameters.firstIndex(of: name) else {
                throw .runtime("\(function)() got an unexpected keyword argument '\(name)'")
            }
            guard index >= positional.count else {
                throw .runtime("\(function)() got multiple values for argument '\(name)'")
            }
            bound[index] = value
        }
        return bound
    }
}

extension Value {
    init(_ value: TemplateValue) {
        switch value {
        case .null: self = .none
        case .bool(let bool): self = .bool(bool)
        case .int(let int): self = .int(int)
        case .double(let double): self = .double(double)
        case .string(let string): self = .string(string)
        case .array(let items): self = .list(items.map(Value.init))
        case .object(let object): self = .dict(ValueDict(object.entries.map { ($0.key, Value($0.value)) }))
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// Python truthiness.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let bool): bool
        case .int(let int): int != 0
        case .double(let double): double != 0
        case .string(let string): !string.isEmpty
        case .list(let items), .tuple(let items): !items.isEmpty
        case .dict(let dict): !dict.isEmpty
        case .namespace, .function, .loop, .iterator: true
        }
    }

    /// The Python type name, as error messages print it.
    var typeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .namespace: "Namespace"
        case .function: "function"
        case .loop: "LoopContext"
        case .iterator(let iterator): iterator.typeName
        }
    }

    /// The number as a Double for int, float and bool (bool is an int in Python), else nil.
    var numericValue: Double? {
        switch self {
        case .int(let int): Double(int)
        case .double(let double): double
        case .bool(let bool): bool ? 1 : 0
        default: nil
        }
    }

    /// The integer for int and bool, else nil.
    var integerValue: Int? {
        switch self {
        case .int(let int): int
        case .bool(let bool): bool ? 1 : 0
        default: nil
        }
    }

    /// The elements when iterating: list items, dict keys, string code points (as Python iterates
    /// strings); nil if not iterable.
    /// Undefined iterates as empty, as jinja2's Undefined does.
    var iterationItems: [Value]? {
        switch self {
        case .list(let items), .tuple(let items): items
        case .dict(let dict): dict.keys.map(Value.string)
        case .string(let string): string.unicodeScalars.map { .string(String($0)) }
        case .undefined: []
        case .namespace, .none, .bool, .int, .double, .function, .loop, .iterator: nil
        }
    }

    /// The elements when iterating, consuming a lazy filter result (and raising its deferred
    /// error); nil if the value is not iterable.
    func iterated() throws(TemplateError) -> [Value]? {
        if case .iterator(let iterator) = self { return try iterator.drain() }
        return iterationItems
    }

    /// Throws the error an undefined value carries; other values pass through.
    func requireDefined() throws(TemplateError) -> Value {
        if case .undefined(let undefined) = self { throw .runtime(undefined.message) }
        return self
    }
}
