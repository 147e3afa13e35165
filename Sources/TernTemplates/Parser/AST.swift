/// The syntax tree of a compiled template: statements (`Node`) holding expressions (`Expression`).
/// Everything is a value type, so a compiled ``Template`` is `Sendable` and renders concurrently.

/// A literal value written in the template.
enum Constant: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
}

/// Arguments written at a call site: `f(a, b, key=c, *rest, **options)`.
struct ArgumentList: Sendable {
    var positional: [Expression] = []
    var keywords: [(name: String, value: Expression)] = []
    var splat: Expression?
    var keywordSplat: Expression?
}

/// `| name(arguments)` or `is name(arguments)`.
struct NamedCall: Sendable {
    var name: String
    var arguments: ArgumentList
}

enum UnaryOperator: Sendable {
    case not
    case negate
    case plus
}

enum BinaryOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case floorDivide = "//"
    case modulo = "%"
    case power = "**"
}

enum CompareOperator: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case contains = "in"
    case notContains = "not in"
}

/// `[start:stop:step]`, each part optional.
struct SliceBounds: Sendable {
    var start: Expression?
    var stop: Expression?
    var step: Expression?
}

indirect enum Expression: Sendable {
    case constant(Constant)
    case name(String)
    case list([Expression])
    case tuple([Expression])
    case dict([(key: Expression, value: Expression)])
    /// `object.name` (attribute first, then item, like jinja2's getattr).
    case attribute(Expression, String)
    /// `object[key]` (item first, then attribute).
    case item(Expression, Expression)
    case slice(Expression, SliceBounds)
    case call(Expression, ArgumentList)
    case filter(Expression, NamedCall)
    case test(Expression, NamedCall)
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    /// `a ~ b ~ c`: string concatenation.
    case concat([Expression])
    case and(Expression, Expression)
    case or(Expression, Expression)
    /// `a < b <= c`: chained comparisons.
    case compare(Expression, [(op: CompareOperator, operand: Expression)])
    /// `then if condition else otherwise`; without `else` the result is undefined.
    case conditional(condition: Expression, then: Expression, otherwise: Expression?)
}

/// Where `set` and `for` store values.
indirect enum AssignTarget: Sendable {
    case name(String)
    case tuple([AssignTarget])
    /// `ns.attribute`, allowed only on `namespace()` objects.
    case namespaceAttribute(namespace: String, attribute: String)
}

struct ConditionalBranch: Sendable {
    var condition: Expression
    var body: [Node]
}

struct ForLoop: Sendable {
    var target: AssignTarget
    var iterable: Expression
    /// `for x in xs if condition`: filters before loop variables are computed.
    var condition: Expression?
    var body: [Node]
    var otherwise: [Node]?
    var line: Int
    /// Names the body assigns before any use that no enclosing scope knows: they start undefined
    /// in each iteration (see `ScopeAnalysis`).
    var shadowed: Set<String> = []
}

struct MacroParameter: Sendable {
    var name: String
    var defaultValue: Expression?
}

struct MacroDefinition: Sendable {
    var name: String
    var parameters: [MacroParameter]
    var body: [Node]
    var line: Int
    var shadowed: Set<String> = []
    /// Which of `varargs`, `kwargs` and `caller` the body mentions: jinja2 accepts extra positional
    /// arguments, extra keywords and a caller only then.
    var catches: Set<String> = []
}

/// `{% call(params) macro(args) %}body{% endcall %}`: the body becomes `caller()`.
struct CallBlock: Sendable {
    var call: Expression
    var callerParameters: [MacroParameter]
    var body: [Node]
    var line: Int
    var shadowed: Set<String> = []
}

enum LoopControl: Sendable {
    case breakLoop
    case continueLoop
}

indirect enum Node: Sendable {
    case text(String)
    case output(Expression, line: Int)
    case conditional([ConditionalBranch], otherwise: [Node]?, line: Int)
    case forLoop(ForLoop)
    case assign(AssignTarget, Expression, line: Int)
    /// `{% set x | filters %}body{% endset %}`.
    case assignBlock(AssignTarget, filters: [NamedCall], body: [Node], line: Int, shadowed: Set<String> = [])
    case macro(MacroDefinition)
    case callBlock(CallBlock)
    case filterBlock(filters: [NamedCall], body: [Node], line: Int, shadowed: Set<String> = [])
    case loopControl(LoopControl, line: Int)
    /// `{% with a = 1 %}...{% endwith %}` and transformers' `{% generation %}`: a body in its own
    /// scope.
    case scope(
        assignments: [(target: AssignTarget, value: Expression)], body: [Node], line: Int, shadowed: Set<String> = [])
}
