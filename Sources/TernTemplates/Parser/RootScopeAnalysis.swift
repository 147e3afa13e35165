/// jinja2 decides statically how each template-level variable starts: a name whose first use at the
/// template level (in source order, not looking into loop or macro bodies) is an unconditional
/// assignment starts *undefined*, even when the render context has a value for it, while a name
/// first read, or first assigned inside an `if`, starts from the context. Loops and macros see the template-level variable, so
///
///     {% for m in messages %}{{ x }}{% endfor %}{% set x = 1 %}
///
/// prints nothing for `x` in the loop although the context sets `x`. This computes those names.
enum RootScopeAnalysis {
    /// The template-level names that start undefined, shadowing the context.
    static func shadowedNames(_ nodes: [Node]) -> Set<String> {
        var symbols = Symbols()
        visit(nodes, &symbols)
        return Set(symbols.first.filter(\.value).keys)
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
        case .assignBlock(let target, let filters, _, _):
            store(target, &first)
            for filter in filters { loads(filter.arguments, &first) }
        case .macro(let definition):
            store(.name(definition.name), &first)
        case .callBlock(let block):
            loads(block.call, &first)
        case .filterBlock(let filters, let body, _):
            for filter in filters { loads(filter.arguments, &first) }
            visit(body, &first)
        case .scope(let assignments, _, _):
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
