/// jinja2's builtin tests (`x is defined`, `x is string`, `n is divisibleby 3`, ...).
extension Interpreter {
    static let testNames: Set<String> = [
        "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "==", "escaped", "even", "false", "filter",
        "float", "ge", ">=", "gt", "greaterthan", ">", "in", "integer", "iterable", "le", "<=", "lower", "lt",
        "lessthan", "<", "mapping", "ne", "!=", "none", "number", "odd", "sameas", "sequence", "string", "test",
        "true", "undefined", "upper",
    ]

    func applyTest(_ name: String, to value: Value, _ arguments: Arguments) throws(TemplateError) -> Bool {
        let comparisons: [String: CompareOperator] = [
            "eq": .equal, "equalto": .equal, "==": .equal, "ne": .notEqual, "!=": .notEqual, "lt": .less,
            "lessthan": .less, "<": .less, "le": .lessOrEqual, "<=": .lessOrEqual, "gt": .greater,
            "greaterthan": .greater, ">": .greater, "ge": .greaterOrEqual, ">=": .greaterOrEqual,
        ]
        if let op = comparisons[name] {
            guard let other = try arguments.bind(name, ["other"])[0] else {
                throw .runtime("test '\(name)' requires an argument")
            }
            return try compare(op, value, other)
        }
        let unary: Set<String> = [
            "defined", "undefined", "none", "boolean", "true", "false", "integer", "float", "number", "string",
            "mapping",
            "sequence", "iterable", "callable", "escaped", "even", "odd", "lower", "upper", "filter", "test",
        ]
        if unary.contains(name) {
            guard arguments.positional.isEmpty, arguments.keywords.isEmpty else {
                throw .runtime(
                    "test_\(name)() takes 1 positional argument but \(arguments.positional.count + 1) were given")
            }
        }
        switch name {
        case "defined", "undefined":
            _ = try arguments.bind(name, [])
            return value.isUndefined == (name == "undefined")
        case "none":
            _ = try arguments.bind(name, [])
            return value.isNone
        case "boolean", "true", "false":
            _ = try arguments.bind(name, [])
            guard case .bool(let bool) = value else { return false }
            return name == "boolean" || bool == (name == "true")
        case "integer":
            if case .int = value { return true }
            return false
        case "float":
            if case .double = value { return true }
            return false
        case "number":
            return value.numericValue != nil
        case "string":
            if case .string = value { return true }
            return false
        case "mapping":
            if case .dict = value { return true }
            return false
        case "sequence":
            switch value {
            case .string, .list, .tuple, .dict, .undefined: return true
            default: return false
            }
        case "iterable":
            switch value {
            case .string, .list, .tuple, .dict, .undefined, .iterator, .loop: return true
            default: return false
            }
        case "callable":
            // jinja2's Undefined and the loop object define __call__.
            switch value {
            case .function, .undefined, .loop: return true
            default: return false
            }
        case "escaped":
            return false
        case "even", "odd":
            guard let number = try value.requireDefined().numericValue else {
                throw .runtime("unsupported operand type(s) for %: '\(value.typeName)' and 'int'")
            }
            var remainder = number.truncatingRemainder(dividingBy: 2)
            if remainder < 0 { remainder += 2 }  // Python's modulo takes the divisor's sign
            return remainder == (name == "even" ? 0 : 1)
        case "divisibleby":
            guard let divisor = try arguments.bind(name, ["num"])[0]?.numericValue,
                let number = try value.requireDefined().numericValue
            else { throw .runtime("divisibleby requires two numbers") }
            guard divisor != 0 else { throw .runtime("integer division or modulo by zero") }
            return number.truncatingRemainder(dividingBy: divisor) == 0
        case "lower", "upper":
            return StringMethods.classify(name == "lower" ? "islower" : "isupper", value.pythonString)
        case "in":
            guard let container = try arguments.bind(name, ["seq"])[0] else {
                throw .runtime("test 'in' requires a sequence")
            }
            return try contains(container, value)
        case "sameas":
            guard let other = try arguments.bind(name, ["other"])[0] else {
                throw .runtime("test 'sameas' requires an argument")
            }
            return isSame(value, other)
        case "filter":
            return Self.filterNames.contains(value.pythonString)
        case "test":
            return Self.testNames.contains(value.pythonString)
        default:
            throw .runtime("no test named '\(name)'")
        }
    }

    /// Python's `is`. Values here have no identity except namespaces, so two values count as the
    /// same object when they have the same type and are equal (`x is sameas x` holds; `1 is
    /// sameas true` does not). Two equal but separately built lists would differ in Python.
    private func isSame(_ left: Value, _ right: Value) -> Bool {
        if case .namespace(let a) = left, case .namespace(let b) = right { return a === b }
        return left.typeName == right.typeName && pythonEquals(left, right)
    }
}
