import Foundation

/// Python's arithmetic, comparison and membership rules, which jinja2 inherits.
extension Interpreter {
    func binary(_ op: BinaryOperator, _ left: Value, _ right: Value) throws(TemplateError) -> Value {
        if op == .modulo, case .string(let format) = left, right.isUndefined {
            // Python treats the subscriptable Undefined like a mapping: unused, it is no error.
            return .string(try StringMethods.percentFormat(format, right))
        }
        let left = try left.requireDefined()
        let right = try right.requireDefined()
        switch (op, left, right) {
        case (.add, .string(let a), .string(let b)):
            return .string(a + b)
        case (.add, .list(let a), .list(let b)):
            return .list(a + b)
        case (.add, .tuple(let a), .tuple(let b)):
            return .tuple(a + b)
        case (.multiply, .string(let text), _), (.multiply, _, .string(let text)):
            guard let count = (left.integerValue ?? right.integerValue) else { break }
            let size = text.utf8.count.multipliedReportingOverflow(by: max(0, count))
            guard !size.overflow, size.partialValue <= limits.maxOutputBytes else {
                throw .limitExceeded(message: "a string grew past \(limits.maxOutputBytes) bytes", line: line)
            }
            return .string(String(repeating: text, count: max(0, count)))
        case (.multiply, .list(let items), _), (.multiply, _, .list(let items)):
            guard let count = (left.integerValue ?? right.integerValue) else { break }
            let size = items.count.multipliedReportingOverflow(by: max(0, count))
            guard !size.overflow, size.partialValue <= limits.maxOutputBytes else {
                throw .limitExceeded(message: "a list grew past \(limits.maxOutputBytes) elements", line: line)
            }
            return .list(Array([[Value]](repeating: items, count: max(0, count)).joined()))
        case (.modulo, .string(let format), _):
            return .string(try StringMethods.percentFormat(format, right))
        default:
            break
        }
        if let a = left.integerValue, let b = right.integerValue {
            return try integerArithmetic(op, a, b)
        }
        if let a = left.numericValue, let b = right.numericValue {
            return try floatArithmetic(op, a, b)
        }
        if op == .add, case .string = left {
            throw .runtime("can only concatenate str (not \"\(right.typeName)\") to str")
        }
        throw .runtime("unsupported operand type(s) for \(op.rawValue): '\(left.typeName)' and '\(right.typeName)'")
    }

    private func integerArithmetic(_ op: BinaryOperator, _ a: Int, _ b: Int) throws(TemplateError) -> Value {
        func checked(_ result: (partialValue: Int, overflow: Bool)) throws(TemplateError) -> Value {
            guard !result.overflow else { throw .runtime("integer overflow") }
            return .int(result.partialValue)
        }
        switch op {
        case .add: return try checked(a.addingReportingOverflow(b))
        case .subtract: return try checked(a.subtractingReportingOverflow(b))
        case .multiply: return try checked(a.multipliedReportingOverflow(by: b))
        case .divide:
            guard b != 0 else { throw .runtime("division by zero") }
            return .double(Double(a) / Double(b))
        case .floorDivide, .modulo:
            guard b != 0 else { throw .runtime("integer division or modulo by zero") }
            guard !(a == .min && b == -1) else { throw .runtime("integer overflow") }
            var quotient = a / b
            var remainder = a % b
            if remainder != 0 && (remainder < 0) != (b < 0) {
                quotient -= 1
                remainder += b
            }
            return .int(op == .floorDivide ? quotient : remainder)
        case .power:
            if b < 0 {
                guard a != 0 else { throw .runtime("0.0 cannot be raised to a negative power") }
                return .double(pow(Double(a), Double(b)))
            }
            var result = 1
            var base = a
            var exponent = b
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let product = result.multipliedReportingOverflow(by: base)
                    guard !product.overflow else { throw .runtime("integer overflow") }
                    result = product.partialValue
                }
                exponent >>= 1
                if exponent > 0 {
                    let square = base.multipliedReportingOverflow(by: base)
                    guard !square.overflow else { throw .runtime("integer overflow") }
                    base = square.partialValue
                }
            }
            return .int(result)
        }
    }

    private func floatArithmetic(_ op: BinaryOperator, _ a: Double, _ b: Double) throws(TemplateError) -> Value {
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide:
            guard b != 0 else { throw .runtime("float division by zero") }
            return .double(a / b)
        case .floorDivide:
            guard b != 0 else { throw .runtime("float floor division by zero") }
            return .double((a / b).rounded(.down))
        case .modulo:
            guard b != 0 else { throw .runtime("float modulo") }
            var remainder = fmod(a, b)
            if remainder != 0 && (remainder < 0) != (b < 0) { remainder += b }
            return .double(remainder)
        case .power:
            if a == 0 && b < 0 { throw .runtime("0.0 cannot be raised to a negative power") }
            if a < 0 && b != b.rounded() { throw .runtime("complex numbers are not supported") }
            let result = pow(a, b)
            if result.isInfinite && a.isFinite && b.isFinite { throw .runtime("(34, 'Numerical result out of range')") }
            return .double(result)
        }
    }

    func compare(_ op: CompareOperator, _ left: Value, _ right: Value) throws(TemplateError) -> Bool {
        switch op {
        case .equal: return pythonEquals(left, right)
        case .notEqual: return !pythonEquals(left, right)
        case .contains: return try contains(right, left)
        case .notContains: return !(try contains(right, left))
        case .less: return try pythonLess(left, right, op.rawValue)
        case .greater: return try pythonLess(right, left, op.rawValue)
        case .lessOrEqual: return try !pythonLess(right, left, op.rawValue)
        case .greaterOrEqual: return try !pythonLess(left, right, op.rawValue)
        }
    }

    /// `item in container`.
    func contains(_ container: Value, _ item: Value) throws(TemplateError) -> Bool {
        switch container {
        case .string(let text):
            guard case .string(let needle) = try item.requireDefined() else {
                throw .runtime("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return needle.isEmpty || text.unicodeScalars.firstRange(of: needle.unicodeScalars) != nil
        case .list(let items), .tuple(let items):
            return items.contains { pythonEquals($0, item) }
        case .dict(let dict):
            if case .string(let key) = item { return dict[key] != nil }
            if case .list = item { throw .runtime("unhashable type: 'list'") }
            if case .dict = item { throw .runtime("unhashable type: 'dict'") }
            return false
        case .iterator(let iterator):
            return try iterator.drain().contains { pythonEquals($0, item) }
        case .undefined:
            return false
        default:
            throw .runtime("argument of type '\(container.typeName)' is not iterable")
        }
    }
}

/// Python `==`: numbers compare by value across int, float and bool; strings by code points;
/// lists and tuples element-wise (a list never equals a tuple); dicts ignoring order.
func pythonEquals(_ left: Value, _ right: Value) -> Bool {
    switch (left, right) {
    case (.undefined, .undefined), (.none, .none): return true
    case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
    case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
        return a.count == b.count && zip(a, b).allSatisfy { pythonEquals($0, $1) }
    case (.dict(let a), .dict(let b)):
        return a.count == b.count
            && a.entries.allSatisfy { entry in b[entry.key].map { pythonEquals(entry.value, $0) } ?? false }
    case (.namespace(let a), .namespace(let b)): return a === b
    case (.iterator(let a), .iterator(let b)): return a === b
    default:
        if let a = left.integerValue, let b = right.integerValue { return a == b }
        if let a = left.numericValue, let b = right.numericValue { return a == b }
        return false
    }
}

/// Python `<`, failing for types Python cannot order.
func pythonLess(_ left: Value, _ right: Value, _ symbol: String = "<") throws(TemplateError) -> Bool {
    switch (left, right) {
    case (.string(let a), .string(let b)):
        return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
        for (x, y) in zip(a, b) where !pythonEquals(x, y) {
            return try pythonLess(x, y, symbol)
        }
        return a.count < b.count
    default:
        if let a = left.integerValue, let b = right.integerValue { return a < b }
        if let a = left.numericValue, let b = right.numericValue { return a < b }
        if case .undefined(let undefined) = left { throw .runtime(undefined.message) }
        if case .undefined(let undefined) = right { throw .runtime(undefined.message) }
        throw .runtime(
            "'\(symbol)' not supported between instances of '\(left.typeName)' and '\(right.typeName)'")
    }
}
