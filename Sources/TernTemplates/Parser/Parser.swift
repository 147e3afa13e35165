/// Builds the syntax tree from tokens, following the grammar of jinja2's parser: statements here,
/// expressions in `Parser+Expressions.swift`.
struct Parser {
    let tokens: [Token]
    var index = 0
    /// Current nesting of expressions and blocks; bounded so a hostile template cannot overflow
    /// the stack of the parser (or later of the interpreter walking the tree).
    var depth = 0
    /// Number of enclosing `for` bodies, so `break` outside a loop is rejected.
    var loopDepth = 0
    static let maxNesting = 64

    /// Parses a whole template.
    static func parse(_ tokens: [Token]) throws(TemplateError) -> [Node] {
        var parser = Parser(tokens: tokens)
        let (nodes, _) = try parser.subparse(until: [])
        return nodes
    }

    private init(tokens: [Token]) {
        self.tokens = tokens.isEmpty ? [Token(kind: .endOfInput, line: 1, column: 1)] : tokens
    }

    // MARK: - Token stream

    var current: Token { tokens[index] }

    func peek(_ offset: Int = 1) -> Token {
        tokens[min(index + offset, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func fail(_ message: String, at token: Token? = nil) -> TemplateError {
        let token = token ?? current
        return .syntax(message: message, line: token.line, column: token.column)
    }

    func isName(_ name: String) -> Bool {
        if case .name(name) = current.kind { return true }
        return false
    }

    func isOperator(_ op: Operator) -> Bool {
        if case .op(op) = current.kind { return true }
        return false
    }

    mutating func skipName(_ name: String) -> Bool {
        guard isName(name) else { return false }
        advance()
        return true
    }

    mutating func skipOperator(_ op: Operator) -> Bool {
        guard isOperator(op) else { return false }
        advance()
        return true
    }

    mutating func expect(_ op: Operator) throws(TemplateError) {
        guard skipOperator(op) else {
            throw fail("expected '\(op.rawValue)', got '\(current.kind.description)'")
        }
    }

    mutating func expectName() throws(TemplateError) -> String {
        guard case .name(let name) = current.kind else {
            throw fail("expected a name, got '\(current.kind.description)'")
        }
        advance()
        return name
    }

    mutating func expectKeyword(_ keyword: String) throws(TemplateError) {
        guard skipName(keyword) else { throw fail("expected '\(keyword)', got '\(current.kind.description)'") }
    }

    mutating func expectBlockEnd() throws(TemplateError) {
        guard current.kind == .blockEnd else {
            throw fail("expected end of statement block, got '\(current.kind.description)'")
        }
        advance()
    }

    mutating func enterNesting() throws(TemplateError) {
        depth += 1
        if depth > Self.maxNesting { throw fail("template nesting is deeper than \(Self.maxNesting) levels") }
    }

    // MARK: - Statements

    /// Parses nodes until a block tag named in `endTags`; consumes `{%` and the tag name and
    /// returns the name (nil at the end of the template, which is an error if tags were expected).
    mutating func subparse(until endTags: Set<String>) throws(TemplateError) -> ([Node], String?) {
        try enterNesting()
        defer { depth -= 1 }
        var nodes: [Node] = []
        while true {
            let token = current
            switch token.kind {
            case .data(let text):
                advance()
                nodes.append(.text(text))
            case .variableBegin:
                advance()
                let expression = try parseTuple()
                guard current.kind == .variableEnd else {
                    throw fail("expected end of print statement, got '\(current.kind.description)'")
                }
                advance()
                nodes.append(.output(expression, line: token.line))
            case .blockBegin:
                advance()
                if case .name(let name) = current.kind, endTags.contains(name) {
                    advance()
                    return (nodes, name)
                }
                nodes.append(try parseStatement())
            case .endOfInput:
                if !endTags.isEmpty {
                    let expected = endTags.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    throw fail("unexpected end of template, expected \(expected)")
                }
                return (nodes, nil)
            default:
                throw fail("unexpected '\(token.kind.description)'")
            }
        }
    }

    private mutating func parseStatement() throws(TemplateError) -> Node {
        let token = current
        guard case .name(let keyword) = token.kind else {
            throw fail("expected a statement name, got '\(token.kind.description)'")
        }
        advance()
        switch keyword {
        case "if": return try parseIf(line: token.line)
        case "for": return try parseFor(line: token.line)
        case "set": return try parseSet(line: token.line)
        case "macro": return try parseMacro(line: token.line)
        case "call": return try parseCallBlock(line: token.line)
        case "filter": return try parseFilterBlock(line: token.line)
        case "with": return try parseWith(line: token.line)
        case "print":
            let expression = try parseTuple()
            try expectBlockEnd()
            return .output(expression, line: token.line)
        case "generation", "block":
            // transformers' `{% generation %}` marks assistant text; `{% block %}` renders in place.
            if keyword == "block" { _ = try expectName() }
            try expectBlockEnd()
            let (body, _) = try subparse(until: ["end" + keyword])
            if keyword == "block", case .name = current.kind { advance() }
            try expectBlockEnd()
            return .scope(assignments: [], body: body, line: token.line)
        case "break", "continue":
            guard loopDepth > 0 else { throw fail("'\(keyword)' outside of a loop", at: token) }
            try expectBlockEnd()
            return .loopControl(keyword == "break" ? .breakLoop : .continueLoop, line: token.line)
        case "include", "extends", "import", "from":
            throw fail("'\(keyword)' is not supported: chat templates are a single file", at: token)
        default:
            throw fail("unknown tag '\(keyword)'", at: token)
        }
    }

    private mutating func parseIf(line: Int) throws(TemplateError) -> Node {
        var branches: [ConditionalBranch] = []
        var condition = try parseTuple(withConditional: false)
        while true {
            try expectBlockEnd()
            let (body, end) = try subparse(until: ["elif", "else", "endif"])
            branches.append(ConditionalBranch(condition: condition, body: body))
            switch end {
            case "elif":
                condition = try parseTuple(withConditional: false)
            case "else":
                try expectBlockEnd()
                let (otherwise, _) = try subparse(until: ["endif"])
                try expectBlockEnd()
                return .conditional(branches, otherwise: otherwise, line: line)
            default:
                try expectBlockEnd()
                return .conditional(branches, otherwise: nil, line: line)
            }
        }
    }

    private mutating func parseFor(line: Int) throws(TemplateError) -> Node {
        let target = try parseAssignTarget(extraEnd: ["in"], allowNamespace: false)
        try expectKeyword("in")
        let iterable = try parseTuple(withConditional: false, extraEnd: ["recursive"])
        var condition: Expression?
        if skipName("if") {
            condition = try parseExpression()
        }
        if isName("recursive") {
            throw fail("recursive loops are not supported")
        }
        try expectBlockEnd()
        loopDepth += 1
        let (body, end) = try subparse(until: ["endfor", "else"])
        loopDepth -= 1
        var otherwise: [Node]?
        if end == "else" {
            try expectBlockEnd()
            otherwise = try subparse(until: ["endfor"]).0
        }
        try expectBlockEnd()
        return .forLoop(
            ForLoop(
                target: target, iterable: iterable, condition: condition, body: body, otherwise: otherwise, line: line))
    }

    private mutating func parseSet(line: Int) throws(TemplateError) -> Node {
        let target = try parseAssignTarget(extraEnd: [], allowNamespace: true)
        if skipOperator(.assign) {
            let value = try parseTuple()
            try expectBlockEnd()
            return .assign(target, value, line: line)
        }
        let filters = try parseFilterChain()
        try expectBlockEnd()
        let (body, _) = try subparse(until: ["endset"])
        try expectBlockEnd()
        return .assignBlock(target, filters: filters, body: body, line: line)
    }

    /// Names, `(a, b)` groups and (for `set`) `ns.attribute`, separated by commas.
    private mutating func parseAssignTarget(extraEnd: Set<String>, allowNamespace: Bool) throws(TemplateError)
        -> AssignTarget
    {
        var targets: [AssignTarget] = []
        var isTuple = false
        while true {
            if !targets.isEmpty { try expect(.comma) }
            if case .name(let name) = current.kind, extraEnd.contains(name) { break }
            if current.kind == .blockEnd || isOperator(.assign) || isOperator(.pipe) || isOperator(.rparen) { break }
            targets.append(try parseSingleTarget(allowNamespace: allowNamespace))
            guard isOperator(.comma) else { break }
            isTuple = true
        }
        guard let first = targets.first else { throw fail("expected an assignment target") }
        return isTuple ? .tuple(targets) : first
    }

    private mutating func parseSingleTarget(allowNamespace: Bool) throws(TemplateError) -> AssignTarget {
        if skipOperator(.lparen) {
            let inner = try parseAssignTarget(extraEnd: [], allowNamespace: false)
            try expect(.rparen)
            return inner
        }
        let nameToken = current
        let name = try expectName()
        if ["true", "false", "none", "True", "False", "None"].contains(name) {
            throw fail("cannot assign to '\(name)'", at: nameToken)
        }
        if allowNamespace, skipOperator(.dot) {
            return .namespaceAttribute(namespace: name, attribute: try expectName())
        }
        return .name(name)
    }

    private mutating func parseParameters() throws(TemplateError) -> [MacroParameter] {
        var parameters: [MacroParameter] = []
        try expect(.lparen)
        while !isOperator(.rparen) {
            if !parameters.isEmpty { try expect(.comma) }
            if isOperator(.rparen) { break }
            let name = try expectName()
            let defaultValue: Expression? = skipOperator(.assign) ? try parseExpression() : nil
            parameters.append(MacroParameter(name: name, defaultValue: defaultValue))
        }
        try expect(.rparen)
        return parameters
    }

    private mutating func parseMacro(line: Int) throws(TemplateError) -> Node {
        let name = try expectName()
        let parameters = try parseParameters()
        try expectBlockEnd()
        let savedLoopDepth = loopDepth
        loopDepth = 0
        let (body, _) = try subparse(until: ["endmacro"])
        loopDepth = savedLoopDepth
        try expectBlockEnd()
        return .macro(MacroDefinition(name: name, parameters: parameters, body: body, line: line))
    }

    private mutating func parseCallBlock(line: Int) throws(TemplateError) -> Node {
        let parameters = isOperator(.lparen) ? try parseParameters() : []
        let call = try parseExpression()
        guard case .call = call else { throw fail("expected a call after 'call'") }
        try expectBlockEnd()
        let savedLoopDepth = loopDepth
        loopDepth = 0
        let (body, _) = try subparse(until: ["endcall"])
        loopDepth = savedLoopDepth
        try expectBlockEnd()
        return .callBlock(CallBlock(call: call, callerParameters: parameters, body: body, line: line))
    }

    private mutating func parseFilterBlock(line: Int) throws(TemplateError) -> Node {
        var filters = [try parseNamedCall()]
        filters += try parseFilterChain()
        try expectBlockEnd()
        let (body, _) = try subparse(until: ["endfilter"])
        try expectBlockEnd()
        return .filterBlock(filters: filters, body: body, line: line)
    }

    private mutating func parseWith(line: Int) throws(TemplateError) -> Node {
        var assignments: [(target: AssignTarget, value: Expression)] = []
        while current.kind != .blockEnd {
            if !assignments.isEmpty { try expect(.comma) }
            let target = try parseAssignTarget(extraEnd: [], allowNamespace: false)
            try expect(.assign)
            assignments.append((target, try parseExpression()))
        }
        try expectBlockEnd()
        let (body, _) = try subparse(until: ["endwith"])
        try expectBlockEnd()
        return .scope(assignments: assignments, body: body, line: line)
    }
}
