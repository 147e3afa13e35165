/// jinja2 decides statically, per scope, how each variable starts. A name whose first use in a
/// scope's own statements (in source order, looking into `if` branches but not into nested loops,
/// macros or blocks) is an unconditional assignment starts *undefined* in that scope, unless an
/// enclosing scope uses the name too (then it starts with that scope's value). A name first read,
/// or first assigned inside an `if`, is looked up outside. So the render context can be shadowed:
///
///     {% for m in messages %}{{ x }}{% endfor %}{% set x = 1 %}
///
/// prints nothing for `x` in the loop although the context sets `x`. This computes, for the
/// template and for every loop body, macro, call block, `set` block, `filter` block and `with`
/// block, the names that start undefined, and stores them in the tree.
enum ScopeAnalysis {
    /// The annotated tree and the template-level names that start undefined.
    static func annotate(_ nodes: [Node]) -> (nodes: [Node], shadowed: Set<String>) {
        annotateScope(nodes, inherited: [], parameters: [])
    }

    /// Analyzes one scope: its own names, then its nested scopes with everything known so far.
    private static func annotateScope(_ nodes: [Node], inherited: Set<String>, parameters: Set<String>)
        -> (nodes: [Node], shadowed: Set<String>)
    {
        var symbols = Symbols()
        for name in parameters { symbols.first[name] = false }
        visit(nodes, &symbols)
        let shadowed = Set(symbols.first.filter(\.value).keys).subtracting(inherited)
        let known = inherited.union(symbols.first.keys)
        return (nodes.map { rewrite($0, known: known) }, shadowed)
    }

    /// Annotates the scopes nested in `node`, which belongs to a scope whose names are `known`.
    private static func rewrite(_ node: Node, known: Set<String>) -> Node {
        switch node {
        case .text, .output, .assign, .loopControl:
            return node
        case .conditional(let branches, let otherwise, let line):
            let rewritten = branches.map {
                ConditionalBranch(condition: $0.condition, body: $0.body.map { rewrite($0, known: known) })
            }
            return .conditional(rewritten, otherwise: otherwise?.map { rewrite($0, known: known) }, line: line)
        case .forLoop(var loop):
            let (body, shadowed) = annotateScope(
                loop.body, inherited: known, parameters: names(loop.target).union(["loop"]))
            loop.body = body
            loop.shadowed = shadowed
            loop.otherwise = loop.otherwise?.map { rewrite($0, known: known) }
            return .forLoop(loop)
        case .macro(var definition):
            let parameters = Set(definition.parameters.map(\.name)).union(["varargs", "kwargs", "caller"])
            (definition.body, definition.shadowed) = annotateScope(
                definition.body, inherited: known, parameters: parameters)
            var mentioned = Symbols()
            visitDeeply(definition.body, &mentioned)
            definition.catches = Set(["varargs", "kwargs", "caller"]).intersection(mentioned.first.keys)
            return .macro(definition)
        case .callBlock(var block):
            let parameters = Set(block.callerParameters.map(\.name))
            (block.body, block.shadowed) = annotateScope(block.body, inherited: known, parameters: parameters)
            return .callBlock(block)
        case .assignBlock(let target, let filters, let body, let line, _):
            let (annotated, shadowed) = annotateScope(body, inherited: known, parameters: [])
            return .assignBlock(target, filters: filters, body: annotated, line: line, shadowed: shadowed)
        case .filterBlock(let filters, let body, let line, _):
            let (annotated, shadowed) = annotateScope(body, inherited: known, parameters: [])
            return .filterBlock(filters: filters, body: annotated, line: line, shadowed: shadowed)
        case .scope(let assignments, let body, let line, _):
            let parameters = assignments.reduce(into: Set<String>()) { $0.formUnion(names($1.target)) }
            let (annotated, shadowed) = annotateScope(body, inherited: known, parameters: parameters)
            return .scope(assignments: assignments, body: annotated, line: line, shadowed: shadowed)
        }
    }

    /// Every name used anywhere in `nodes`, nested scopes included.
    private static func visitDeeply(_ nodes: [Node], _ symbols: inout Symbols) {
        for node in nodes {
            visit(node, &symbols)
            switch node {
            case .conditional(let branches, let otherwise, _):
                for branch in branches { visitDeeply(branch.body, &symbols) }
                visitDeeply(otherwise ?? [], &symbols)
            case .forLoop(let loop):
                if let condition = loop.condition { loads(condition, &symbols) }
                visitDeeply(loop.body + (loop.otherwise ?? []), &symbols)
            case .macro(let definition): visitDeeply(definition.body, &symbols)
            case .callBlock(let block): visitDeeply(block.body, &symbols)
            case .assignBlock(_, _, let body, _, _), .filterBlock(_, let body, _, _), .scope(_, let body, _, _):
                visitDeeply(body, &symbols)
            case .text, .output, .assign, .loopControl:
                break
            }
        }
    }

    private static func names(_ target: AssignTarget) -> Set<String> {
        switch target {
        case .name(let name): [name]
        case .tuple(let targets): targets.reduce(into: []) { $0.formUnion(names($1)) }
        case .namespaceAttribute: []
        }
    }

    /// What the analysis knows so far about one scope.
    struct Symbols {
        /// Name -> whether its first use was an assignment.
        var first: [String: Bool] = [:]
    }

    private static func load(_ name: String, _ first: inout Symbols) {
        if first.first[name] == nil { first.first[name] = false }
    }

    private static func store(_ target: AssignTarget, _ first: inout Symbols) {
        switch target {
        case .name(let name):
            if first.first[name] == nil { first.first[name] = true }
        case .tuple(let targets):
            for inner in targets { store(inner, &first) }
        case .namespaceAttribute(let namespace, _):
            load(namespace, &first)
        }
    }

    private static func visit(_ nodes: [Node], _ first: inout Symbols) {
        for node in nodes { visit(node, &first) }
    }

    private static func visit(_ node: Node, _ first: inout Symbols) {
        switch node {
        case .text, .loopControl:
            break
        case .output(let expression, _):
            loads(expression, &first)
        case .conditional(let branches, let otherwise, _):
            loads(branches[0].condition, &first)
            // jinja2 analyzes three branches: the body, the elif chain, and the else body.
            let elifChain: [Node] =
                branches.count > 1 ? [.conditional(Array(branches.dropFirst()), otherwise: nil, line: 0)] : []
            mergeBranches([branches[0].body, elifChain, otherwise ?? []], into: &first)
        case .forLoop(let loop):
            loads(loop.iterable, &first)
        case .assign(let target, let expression, _):
            loads(expression, &first)
            store(target, &first)
        case .assignBlock(let target, let filters, _, _, _):
            store(target, &first)
            for filter in filters { loads(filter.arguments, &first) }
        case .macro(let definition):
            store(.name(definition.name), &first)
        case .callBlock(let block):
            loads(block.call, &first)
        case .filterBlock(let filters, _, _, _):
            for filter in filters { loads(filter.arguments, &first) }
        case .scope(let assignments, _, _, _):
            for assignment in assignments { loads(assignment.value, &first) }
        }
    }

    /// jinja2's `branch_update`: any name first used inside a branch (read or assigned) is read from
    /// the context at the start, since some path through the `if` may not assign it.
    private static func mergeBranches(_ branches: [[Node]], into symbols: inout Symbols) {
        let before = symbols
        for branch in branches {
            var copy = before
            visit(branch, &copy)
            for name in copy.first.keys where before.first[name] == nil {
                symbols.first[name] = false
            }
        }
    }

    private static func loads(_ arguments: ArgumentList, _ first: inout Symbols) {
        for expression in arguments.positional { loads(expression, &first) }
        for keyword in arguments.keywords { loads(keyword.value, &first) }
        if let splat = arguments.splat { loads(splat, &first) }
        if let keywordSplat = arguments.keywordSplat { loads(keywordSplat, &first) }
    }

    private static func loads(_ expression: Expression, _ first: inout Symbols) {
        switch expression {
        case .constant:
            break
        case .name(let name):
            load(name, &first)
        case .list(let items), .tuple(let items), .concat(let items):
            for item in items { loads(item, &first) }
        case .dict(let entries):
            for entry in entries {
                loads(entry.key, &first)
                loads(entry.value, &first)
            }
        case .attribute(let base, _):
            loads(base, &first)
        case .item(let base, let key):
            loads(base, &first)
            loads(key, &first)
        case .slice(let base, let bounds):
            loads(base, &first)
            for bound in [bounds.start, bounds.stop, bounds.step].compactMap({ $0 }) { loads(bound, &first) }
        case .call(let callee, let arguments):
            loads(callee, &first)
            loads(arguments, &first)
        case .filter(let base, let call), .test(let base, let call):
            loads(base, &first)
            loads(call.arguments, &first)
        case .unary(_, let operand):
            loads(operand, &first)
        case .binary(_, let left, let right), .and(let left, let right), .or(let left, let right):
            loads(left, &first)
            loads(right, &first)
        case .compare(let left, let operations):
            loads(left, &first)
            for operation in operations { loads(operation.operand, &first) }
        case .conditional(let condition, let then, let otherwise):
            loads(then, &first)
            loads(condition, &first)
            if let otherwise { loads(otherwise, &first) }
        }
    }
}
