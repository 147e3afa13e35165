/// A variable scope. `for` bodies, macros and `with` blocks get their own; `if` does not, so a
/// `set` inside an `if` is visible after it (as in jinja2), while a `set` in a loop body is not.
final class Frame {
    var variables: [String: Value]
    let parent: Frame?

    init(parent: Frame?, variables: [String: Value] = [:]) {
        self.parent = parent
        self.variables = variables
    }

    func lookup(_ name: String) -> Value? {
        var frame: Frame? = self
        while let current = frame {
            if let value = current.variables[name] { return value }
            frame = current.parent
        }
        return nil
    }
}

/// What a statement asks of the enclosing loop.
enum Flow {
    case normal
    case breakLoop
    case continueLoop
}

/// Executes a template's nodes for one render. Not shared between renders or threads.
final class Interpreter {
    let options: RenderOptions
    var limits: RenderLimits { options.limits }
    /// The template-level scope: render context and top-level `set`s; macros run in a child of it.
    let root: Frame
    var frame: Frame
    /// The statement being executed, for error messages.
    var line = 0
    private var output = ""
    private var outputBytes = 0
    private var steps = 0
    private var callDepth = 0
    /// Every namespace made during the render; emptied at the end so that a namespace holding
    /// itself (`set ns.me = ns`) cannot outlive the render.
    var namespaces: [Namespace] = []

    /// `shadowing`: template-level names that start undefined whatever the context says.
    init(context: [String: TemplateValue], options: RenderOptions, shadowing: Set<String> = []) {
        self.options = options
        let builtins = Frame(parent: nil, variables: Globals.all)
        var variables = context.mapValues(Value.init)
        for name in shadowing {
            variables[name] = .undefined(.name(name))
        }
        root = Frame(parent: builtins, variables: variables)
        frame = root
    }

    func render(_ nodes: [Node]) throws(TemplateError) -> String {
        defer {
            for namespace in namespaces { namespace.attributes = ValueDict() }
            namespaces.removeAll()
        }
        _ = try execute(nodes)
        return output
    }

    // MARK: - Budgets

    /// Counts `count` units of work (loop iterations, calls, generated elements) against the limit.
    func step(_ count: Int = 1) throws(TemplateError) {
        steps += count
        if steps > limits.maxSteps {
            throw .limitExceeded(message: "more than \(limits.maxSteps) steps (loop iterations and calls)", line: line)
        }
    }

    /// Rejects strings and lists larger than the output limit, so doubling in a loop fails fast.
    @discardableResult
    func checkSize(_ value: Value) throws(TemplateError) -> Value {
        switch value {
        case .string(let string) where string.utf8.count > limits.maxOutputBytes:
            throw .limitExceeded(message: "a string grew past \(limits.maxOutputBytes) bytes", line: line)
        case .list(let items) where items.count > limits.maxOutputBytes,
            .tuple(let items) where items.count > limits.maxOutputBytes:
            throw .limitExceeded(message: "a list grew past \(limits.maxOutputBytes) elements", line: line)
        default:
            return value
        }
    }

    func write(_ text: String) throws(TemplateError) {
        outputBytes += text.utf8.count
        if outputBytes > limits.maxOutputBytes {
            throw .limitExceeded(message: "output is larger than \(limits.maxOutputBytes) bytes", line: line)
        }
        output += text
    }

    /// Runs `body` with output going to a fresh buffer and returns what it wrote.
    func capture(_ body: () throws(TemplateError) -> Void) throws(TemplateError) -> String {
        let savedOutput = output
        let savedBytes = outputBytes
        output = ""
        outputBytes = 0
        defer {
            output = savedOutput
            outputBytes = savedBytes
        }
        try body()
        return output
    }

    /// Runs `body` in a new scope whose parent is `parent`.
    func withFrame<T>(_ child: Frame, _ body: () throws(TemplateError) -> T) throws(TemplateError) -> T {
        let saved = frame
        frame = child
        defer { frame = saved }
        return try body()
    }

    /// A new scope under `parent` (the current scope by default) in which `shadowed` names start
    /// undefined, as jinja2 decides statically (see `ScopeAnalysis`).
    func scopeFrame(_ shadowed: Set<String>, parent: Frame? = nil, variables: [String: Value] = [:]) -> Frame {
        var variables = variables
        for name in shadowed where variables[name] == nil {
            variables[name] = .undefined(.name(name))
        }
        return Frame(parent: parent ?? frame, variables: variables)
    }

    /// Runs `body` one macro call deeper, failing past the recursion limit.
    func nestedCall<T>(_ body: () throws(TemplateError) -> T) throws(TemplateError) -> T {
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.maxCallDepth {
            throw .limitExceeded(message: "macro calls nested deeper than \(limits.maxCallDepth)", line: line)
        }
        try step()
        return try body()
    }

    // MARK: - Statements

    func execute(_ nodes: [Node]) throws(TemplateError) -> Flow {
        for node in nodes {
            let flow = try execute(node)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    private func execute(_ node: Node) throws(TemplateError) -> Flow {
        switch node {
        case .text(let text):
            try write(text)
        case .output(let expression, let line):
            try located(line) { () throws(TemplateError) in try write(try evaluate(expression).pythonString) }
        case .conditional(let branches, let otherwise, let line):
            let body: [Node]? = try located(line) { () throws(TemplateError) in
                for branch in branches {
                    if try evaluate(branch.condition).isTruthy { return branch.body }
                }
                return otherwise
            }
            if let body { return try execute(body) }
        case .forLoop(let loop):
            try located(loop.line) { () throws(TemplateError) in try executeLoop(loop) }
        case .assign(let target, let expression, let line):
            try located(line) { () throws(TemplateError) in try assign(try evaluate(expression), to: target) }
        case .assignBlock(let target, let filters, let body, let line, let shadowed):
            // The body is its own scope; `break` in it leaves the loop before anything is assigned.
            var flow = Flow.normal
            let text = try capture { () throws(TemplateError) in
                flow = try withFrame(scopeFrame(shadowed)) { () throws(TemplateError) in try execute(body) }
            }
            if case .normal = flow {} else { return flow }
            try located(line) { () throws(TemplateError) in
                try assign(try applyFilters(filters, to: .string(text)), to: target)
            }
        case .macro(let definition):
            frame.variables[definition.name] = macroFunction(definition)
        case .callBlock(let block):
            try located(block.line) { () throws(TemplateError) in try write(try executeCallBlock(block).pythonString) }
        case .filterBlock(let filters, let body, let line, let shadowed):
            var flow = Flow.normal
            let text = try capture { () throws(TemplateError) in
                flow = try withFrame(scopeFrame(shadowed)) { () throws(TemplateError) in try execute(body) }
            }
            if case .normal = flow {} else { return flow }
            try located(line) { () throws(TemplateError) in
                try write(try applyFilters(filters, to: .string(text)).pythonString)
            }
        case .loopControl(let control, _):
            return control == .breakLoop ? .breakLoop : .continueLoop
        case .scope(let assignments, let body, let line, let shadowed):
            let child = scopeFrame(shadowed)
            try located(line) { () throws(TemplateError) in
                for assignment in assignments {
                    try assign(try evaluate(assignment.value), to: assignment.target, in: child)
                }
            }
            return try withFrame(child) { () throws(TemplateError) in try execute(body) }
        }
        return .normal
    }

    /// Runs `body`, giving errors without a line the line of the current statement.
    func located<T>(_ line: Int, _ body: () throws(TemplateError) -> T) throws(TemplateError) -> T {
        let saved = self.line
        self.line = line
        defer { self.line = saved }
        do throws(TemplateError) {
            return try body()
        } catch {
            throw error.located(at: line)
        }
    }

    private func executeLoop(_ loop: ForLoop) throws(TemplateError) {
        let iterable = try evaluate(loop.iterable).requireDefined()
        guard var items = try iterable.iterated() else {
            throw .runtime("'\(iterable.typeName)' object is not iterable")
        }
        if let condition = loop.condition {
            var kept: [Value] = []
            for item in items {
                try step()
                let probe = Frame(parent: frame)
                try assign(item, to: loop.target, in: probe)
                if try withFrame(probe, { () throws(TemplateError) in try evaluate(condition) }).isTruthy {
                    kept.append(item)
                }
            }
            items = kept
        }
        if items.isEmpty {
            if let otherwise = loop.otherwise { _ = try execute(otherwise) }
            return
        }
        for (index, item) in items.enumerated() {
            try step()
            let state = LoopState(
                index0: index, length: items.count, previous: index > 0 ? items[index - 1] : nil,
                next: index + 1 < items.count ? items[index + 1] : nil, depth: 1)
            let body = scopeFrame(loop.shadowed, variables: ["loop": .loop(state)])
            try assign(item, to: loop.target, in: body)
            let flow = try withFrame(body) { () throws(TemplateError) in try execute(loop.body) }
            if case .breakLoop = flow { break }
        }
    }

    // MARK: - Assignment

    func assign(_ value: Value, to target: AssignTarget, in scope: Frame? = nil) throws(TemplateError) {
        let scope = scope ?? frame
        switch target {
        case .name(let name):
            scope.variables[name] = value
        case .tuple(let targets):
            guard !value.isUndefined, let items = try value.iterated() else {
                throw .runtime("cannot unpack non-iterable \(value.typeName) object")
            }
            guard items.count == targets.count else {
                throw .runtime(
                    items.count > targets.count
                        ? "too many values to unpack (expected \(targets.count))"
                        : "not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (item, inner) in zip(items, targets) {
                try assign(item, to: inner, in: scope)
            }
        case .namespaceAttribute(let name, let attribute):
            guard case .namespace(let namespace) = frame.lookup(name) ?? .undefined(.name(name)) else {
                throw .runtime("cannot assign attribute on non-namespace object '\(name)'")
            }
            namespace.attributes[attribute] = value
        }
    }
}
