/// Expression evaluation.
extension Interpreter {
    func evaluate(_ expression: Expression) throws(TemplateError) -> Value {
        switch expression {
        case .constant(let constant):
            switch constant {
            case .none: return .none
            case .bool(let bool): return .bool(bool)
            case .int(let int): return .int(int)
            case .double(let double): return .double(double)
            case .string(let string): return .string(string)
            }
        case .name(let name):
            return frame.lookup(name) ?? .undefined(.name(name))
        case .list(let items):
            return .list(try evaluateAll(items))
        case .tuple(let items):
            return .tuple(try evaluateAll(items))
        case .dict(let entries):
            var dict = ValueDict()
            for entry in entries {
                guard case .string(let key) = try evaluate(entry.key).requireDefined() else {
                    throw .runtime("only string keys are supported in dict literals")
                }
                dict[key] = try evaluate(entry.value)
            }
            return .dict(dict)
        case .attribute(let base, let name):
            return try attribute(name, of: try evaluate(base))
        case .item(let base, let key):
            return try item(try evaluate(key), of: try evaluate(base))
        case .slice(let base, let bounds):
            return try slice(
                try evaluate(base), start: try bounds.start.map(evaluate), stop: try bounds.stop.map(evaluate),
                step: try bounds.step.map(evaluate))
        case .call(let callee, let arguments):
            return try evaluateCall(callee, arguments)
        case .filter(let base, let call):
            return try applyFilter(call.name, to: try evaluate(base), try evaluateArguments(call.arguments))
        case .test(let base, let call):
            return .bool(try applyTest(call.name, to: try evaluate(base), try evaluateArguments(call.arguments)))
        case .unary(let op, let operand):
            return try unary(op, try evaluate(operand))
        case .binary(let op, let left, let right):
            return try checkSize(try binary(op, try evaluate(left), try evaluate(right)))
        case .concat(let items):
            var text = ""
            for item in items {
                text += try evaluate(item).pythonString
            }
            return try checkSize(.string(text))
        case .and(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? try evaluate(right) : value
        case .or(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? value : try evaluate(right)
        case .compare(let first, let operations):
            var left = try evaluate(first)
            for operation in operations {
                let right = try evaluate(operation.operand)
                if !(try compare(operation.op, left, right)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            if let otherwise { return try evaluate(otherwise) }
            return .undefined(Undefined(message: "the inline if-expression evaluated to false and has no else"))
        }
    }

    func evaluateAll(_ expressions: [Expression]) throws(TemplateError) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(expressions.count)
        for expression in expressions {
            values.append(try evaluate(expression))
        }
        return values
    }

    func evaluateArguments(_ list: ArgumentList) throws(TemplateError) -> Arguments {
        var arguments = Arguments(try evaluateAll(list.positional))
        for keyword in list.keywords {
            arguments.keywords.append((keyword.name, try evaluate(keyword.value)))
        }
        if let splat = list.splat {
            let value = try evaluate(splat).requireDefined()
            guard let items = try value.iterated() else {
                throw .runtime("argument after * must be an iterable, not \(value.typeName)")
            }
            arguments.positional += items
        }
        if let keywordSplat = list.keywordSplat {
            guard case .dict(let dict) = try evaluate(keywordSplat).requireDefined() else {
                throw .runtime("argument after ** must be a mapping")
            }
            arguments.keywords += dict.entries.map { ($0.key, $0.value) }
        }
        return arguments
    }

    private func evaluateCall(_ callee: Expression, _ list: ArgumentList) throws(TemplateError) -> Value {
        let function: Value
        if case .attribute(let base, let name) = callee {
            // Method calls (`text.strip()`) bind the receiver without building an attribute first.
            let receiver = try evaluate(base)
            if let method = method(name, of: receiver) {
                return try checkSize(try method.call(self, try evaluateArguments(list)))
            }
            function = try attribute(name, of: receiver)
        } else {
            function = try evaluate(callee)
        }
        return try call(function, try evaluateArguments(list))
    }

    /// Calls a function value; anything else is an error (undefined reports what was missing).
    func call(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> Value {
        switch value {
        case .function(let function):
            return try checkSize(try function.call(self, arguments))
        case .undefined(let undefined):
            throw .runtime(undefined.message)
        default:
            throw .runtime("'\(value.typeName)' object is not callable")
        }
    }

    private func unary(_ op: UnaryOperator, _ operand: Value) throws(TemplateError) -> Value {
        if case .not = op { return .bool(!operand.isTruthy) }
        switch try operand.requireDefined() {
        case .int(let int):
            if op == .plus { return .int(int) }
            guard int != .min else { throw .runtime("integer overflow") }
            return .int(-int)
        case .bool(let bool):
            return .int(op == .plus ? (bool ? 1 : 0) : (bool ? -1 : 0))
        case .double(let double):
            return .double(op == .plus ? double : -double)
        default:
            throw .runtime("bad operand type for unary \(op == .plus ? "+" : "-"): '\(operand.typeName)'")
        }
    }
}
