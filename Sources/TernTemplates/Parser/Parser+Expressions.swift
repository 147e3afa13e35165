/// Expressions, from loosest to tightest binding: conditional, `or`, `and`, `not`, comparisons,
/// `+ -`, `~`, `* / // %`, `**`, unary `- +`, then primaries with subscripts, calls, filters and tests.
extension Parser {
    mutating func parseExpression(withConditional: Bool = true) throws(TemplateError) -> Expression {
        try enterNesting()
        defer { depth -= 1 }
        return withConditional ? try parseConditional() : try parseOr()
    }

    /// An expression, or a tuple when commas separate several (`{{ a, b }}`, `for x in a, b`).
    mutating func parseTuple(
        withConditional: Bool = true, extraEnd: Set<String> = [], explicitParentheses: Bool = false
    ) throws(TemplateError) -> Expression {
        var items: [Expression] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expect(.comma) }
            if isTupleEnd(extraEnd) { break }
            items.append(try parseExpression(withConditional: withConditional))
            guard isOperator(.comma) else { break }
            isTuple = true
        }
        if !isTuple {
            if let only = items.first { return only }
            if !explicitParentheses { throw fail("expected an expression, got '\(current.kind.description)'") }
        }
        return .tuple(items)
    }

    private func isTupleEnd(_ extraEnd: Set<String>) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .op(.rparen): true
        case .name(let name): extraEnd.contains(name)
        default: false
        }
    }

    private mutating func parseConditional() throws(TemplateError) -> Expression {
        var expression = try parseOr()
        while skipName("if") {
            let condition = try parseOr()
            let otherwise: Expression? = skipName("else") ? try parseConditional() : nil
            expression = .conditional(condition: condition, then: expression, otherwise: otherwise)
        }
        return expression
    }

    private mutating func parseOr() throws(TemplateError) -> Expression {
        var left = try parseAnd()
        while skipName("or") {
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(TemplateError) -> Expression {
        var left = try parseNot()
        while skipName("and") {
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(TemplateError) -> Expression {
        if skipName("not") {
            try enterNesting()
            defer { depth -= 1 }
            return .unary(.not, try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(TemplateError) -> Expression {
        let left = try parseAdditive()
        var operations: [(op: CompareOperator, operand: Expression)] = []
        while true {
            let op: CompareOperator
            switch current.kind {
            case .op(.eq): op = .equal
            case .op(.ne): op = .notEqual
            case .op(.lt): op = .less
            case .op(.lteq): op = .lessOrEqual
            case .op(.gt): op = .greater
            case .op(.gteq): op = .greaterOrEqual
            case .name("in"): op = .contains
            case .name("not") where peek().kind == .name("in"):
                advance()
                op = .notContains
            default:
                return operations.isEmpty ? left : .compare(left, operations)
            }
            advance()
            operations.append((op, try parseAdditive()))
        }
    }

    private mutating func parseAdditive() throws(TemplateError) -> Expression {
        var left = try parseConcat()
        while true {
            if skipOperator(.add) {
                left = .binary(.add, left, try parseConcat())
            } else if skipOperator(.sub) {
                left = .binary(.subtract, left, try parseConcat())
            } else {
                return left
            }
        }
    }

    private mutating func parseConcat() throws(TemplateError) -> Expression {
        var items = [try parseMultiplicative()]
        while skipOperator(.tilde) {
            items.append(try parseMultiplicative())
        }
        return items.count == 1 ? items[0] : .concat(items)
    }

    private mutating func parseMultiplicative() throws(TemplateError) -> Expression {
        var left = try parsePower()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .op(.mul): op = .multiply
            case .op(.div): op = .divide
            case .op(.floorDiv): op = .floorDivide
            case .op(.mod): op = .modulo
            default: return left
            }
            advance()
            left = .binary(op, left, try parsePower())
        }
    }

    private mutating func parsePower() throws(TemplateError) -> Expression {
        var left = try parseUnary(withFilters: true)
        while skipOperator(.pow) {
            left = .binary(.power, left, try parseUnary(withFilters: true))
        }
        return left
    }

    private mutating func parseUnary(withFilters: Bool) throws(TemplateError) -> Expression {
        var expression: Expression
        if isOperator(.sub) || isOperator(.add) {
            let op: UnaryOperator = isOperator(.sub) ? .negate : .plus
            advance()
            try enterNesting()
            defer { depth -= 1 }
            expression = .unary(op, try parseUnary(withFilters: false))
        } else {
            expression = try parsePrimary()
        }
        expression = try parsePostfix(expression)
        return withFilters ? try parseFiltersAndTests(expression) : expression
    }

    private mutating func parsePrimary() throws(TemplateError) -> Expression {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            switch name {
            case "true", "True": return .constant(.bool(true))
            case "false", "False": return .constant(.bool(false))
            case "none", "None": return .constant(.none)
            default: return .name(name)
            }
        case .string(let first):
            advance()
            // Adjacent string literals join, as in Python: `'a' "b"` is `'ab'`.
            var text = first
            while case .string(let next) = current.kind {
                text += next
                advance()
            }
            return .constant(.string(text))
        case .integer(let value):
            advance()
            return .constant(.int(value))
        case .float(let value):
            advance()
            return .constant(.double(value))
        case .op(.lparen):
            advance()
            let expression = try parseTuple(explicitParentheses: true)
            try expect(.rparen)
            return expression
        case .op(.lbracket):
            advance()
            var items: [Expression] = []
            while !isOperator(.rbracket) {
                if !items.isEmpty { try expect(.comma) }
                if isOperator(.rbracket) { break }
                items.append(try parseExpression())
            }
            try expect(.rbracket)
            return .list(items)
        case .op(.lbrace):
            advance()
            var entries: [(key: Expression, value: Expression)] = []
            while !isOperator(.rbrace) {
                if !entries.isEmpty { try expect(.comma) }
                if isOperator(.rbrace) { break }
                let key = try parseExpression()
                try expect(.colon)
                entries.append((key, try parseExpression()))
            }
            try expect(.rbrace)
            return .dict(entries)
        default:
            throw fail("unexpected '\(token.kind.description)'")
        }
    }

    private mutating func parsePostfix(_ base: Expression) throws(TemplateError) -> Expression {
        var expression = base
        while true {
            switch current.kind {
            case .op(.dot):
                advance()
                switch current.kind {
                case .name(let name):
                    advance()
                    expression = .attribute(expression, name)
                case .integer(let value):
                    advance()
                    expression = .item(expression, .constant(.int(value)))
                default:
                    throw fail("expected a name or number after '.'")
                }
            case .op(.lbracket):
                advance()
                expression = try parseSubscript(of: expression)
            case .op(.lparen):
                expression = .call(expression, try parseArguments())
            default:
                return expression
            }
        }
    }

    private mutating func parseSubscript(of base: Expression) throws(TemplateError) -> Expression {
        var keys: [Expression] = []
        var slice: SliceBounds?
        while !isOperator(.rbracket) {
            if !keys.isEmpty || slice != nil { try expect(.comma) }
            var start: Expression?
            if !isOperator(.colon) {
                let key = try parseExpression()
                if !isOperator(.colon) {
                    keys.append(key)
                    continue
                }
                start = key
            }
            advance()  // the first ':'
            var bounds = SliceBounds(start: start)
            if !isOperator(.colon), !isOperator(.rbracket), !isOperator(.comma) {
                bounds.stop = try parseExpression()
            }
            if skipOperator(.colon), !isOperator(.rbracket), !isOperator(.comma) {
                bounds.step = try parseExpression()
            }
            guard slice == nil, keys.isEmpty else { throw fail("multi-dimensional subscripts are not supported") }
            slice = bounds
        }
        try expect(.rbracket)
        if let slice {
            return .slice(base, slice)
        }
        // `x[]` is legal in jinja2: the key is an empty tuple.
        return .item(base, keys.count == 1 ? keys[0] : .tuple(keys))
    }

    mutating func parseArguments() throws(TemplateError) -> ArgumentList {
        try expect(.lparen)
        var arguments = ArgumentList()
        while !isOperator(.rparen) {
            if !arguments.positional.isEmpty || !arguments.keywords.isEmpty || arguments.splat != nil
                || arguments.keywordSplat != nil
            {
                try expect(.comma)
                if isOperator(.rparen) { break }
            }
            if skipOperator(.mul) {
                arguments.splat = try parseExpression()
            } else if skipOperator(.pow) {
                arguments.keywordSplat = try parseExpression()
            } else if case .name(let name) = current.kind, peek().kind == .op(.assign) {
                advance()
                advance()
                arguments.keywords.append((name, try parseExpression()))
            } else {
                guard arguments.keywords.isEmpty, arguments.splat == nil, arguments.keywordSplat == nil else {
                    throw fail("positional argument follows keyword argument")
                }
                arguments.positional.append(try parseExpression())
            }
        }
        try expect(.rparen)
        return arguments
    }

    /// `name` or `name(arguments)` after `|`; dotted names are accepted as jinja2 does.
    mutating func parseNamedCall() throws(TemplateError) -> NamedCall {
        var name = try expectName()
        while skipOperator(.dot) {
            name += "." + (try expectName())
        }
        let arguments = isOperator(.lparen) ? try parseArguments() : ArgumentList()
        return NamedCall(name: name, arguments: arguments)
    }

    /// Zero or more `| filter` applications.
    mutating func parseFilterChain() throws(TemplateError) -> [NamedCall] {
        var filters: [NamedCall] = []
        while skipOperator(.pipe) {
            filters.append(try parseNamedCall())
        }
        return filters
    }

    private mutating func parseFiltersAndTests(_ base: Expression) throws(TemplateError) -> Expression {
        var expression = base
        while true {
            if skipOperator(.pipe) {
                expression = .filter(expression, try parseNamedCall())
            } else if isName("is") {
                expression = try parseTest(expression)
            } else if isOperator(.lparen) {
                expression = .call(expression, try parseArguments())
            } else {
                return expression
            }
        }
    }

    private mutating func parseTest(_ subject: Expression) throws(TemplateError) -> Expression {
        advance()  // 'is'
        let negated = skipName("not")
        var name = try expectName()
        while skipOperator(.dot) {
            name += "." + (try expectName())
        }
        var arguments = ArgumentList()
        if isOperator(.lparen) {
            arguments = try parseArguments()
        } else if startsTestArgument() {
            if isName("is") { throw fail("cannot chain multiple tests with 'is'") }
            arguments.positional = [try parsePostfix(try parsePrimary())]
        }
        let test = Expression.test(subject, NamedCall(name: name, arguments: arguments))
        return negated ? .unary(.not, test) : test
    }

    /// jinja2 reads one bare argument after a test name (`x is divisibleby 3`) unless the next
    /// token ends the test (`else`, `or`, `and`).
    private func startsTestArgument() -> Bool {
        switch current.kind {
        case .name(let name): !["else", "or", "and"].contains(name)
        case .string, .integer, .float, .op(.lparen), .op(.lbracket), .op(.lbrace): true
        default: false
        }
    }
}
