/// A nondeterministic automaton for one rule, built from the IR in continuation-passing style:
/// `build(node, continuation)` returns the state that matches `node` and then goes on to
/// `continuation`. Memoizing on (node, continuation) means a node shared in tail position (the
/// suffixes of an object's property chain) is built once, not once per path.
struct RuleNFA {
    /// State 0 is the rule's end.
    static let finalState: Int32 = 0
    /// Bounds one rule's expansion (repetition counts multiply sizes).
    static let maxStates = 250_000

    var epsilon: [[Int32]] = [[]]
    var byteEdges: [[(classes: [UInt8], target: Int32)]] = [[]]
    var callEdges: [[(rule: GrammarIR.RuleID, target: Int32)]] = [[]]
    private(set) var start: Int32 = 0
    private var memo: [UInt64: Int32] = [:]

    init(ir: GrammarIR, rule: GrammarIR.RuleID, classes: ByteClasses) throws(GrammarError) {
        guard let body = ir.ruleBodies[Int(rule)] else {
            throw .tooComplex("rule \(ir.ruleNames[Int(rule)]) has no body")
        }
        start = try build(body, then: Self.finalState, ir: ir, classes: classes, depth: 0)
    }

    var stateCount: Int { epsilon.count }

    private mutating func newState() throws(GrammarError) -> Int32 {
        guard epsilon.count < Self.maxStates else {
            throw .tooComplex("a grammar rule expands to more than \(Self.maxStates) automaton states")
        }
        epsilon.append([])
        byteEdges.append([])
        callEdges.append([])
        return Int32(epsilon.count - 1)
    }

    private mutating func build(
        _ node: GrammarIR.NodeID, then next: Int32, ir: GrammarIR, classes: ByteClasses, depth: Int
    ) throws(GrammarError) -> Int32 {
        guard depth < 2_000 else { throw .tooComplex("grammar nesting deeper than 2000") }
        let key = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: next))
        if let known = memo[key] { return known }
        let entry: Int32
        switch ir[node] {
        case .bytes(let bytes):
            var state = next
            for byte in bytes.reversed() {
                let s = try newState()
                byteEdges[Int(s)].append(([classes.classOf[Int(byte)]], state))
                state = s
            }
            entry = state
        case .set(let set):
            entry = try newState()
            byteEdges[Int(entry)].append((classes.classes(of: set).members, next))
        case .sequence(let parts):
            var state = next
            for part in parts.reversed() {
                state = try build(part, then: state, ir: ir, classes: classes, depth: depth + 1)
            }
            entry = state
        case .choice(let options):
            entry = try newState()
            for option in options {
                let target = try build(option, then: next, ir: ir, classes: classes, depth: depth + 1)
                epsilon[Int(entry)].append(target)
            }
        case .repeated(let inner, let min, let max):
            var state = next
            if let max {
                // Optional copies, innermost last: (x (x (x)?)?)?
                for _ in 0..<(max - min) {
                    let s = try newState()
                    epsilon[Int(s)].append(next)
                    epsilon[Int(s)].append(try build(inner, then: state, ir: ir, classes: classes, depth: depth + 1))
                    state = s
                }
            } else {
                let loop = try newState()
                let body = try build(inner, then: loop, ir: ir, classes: classes, depth: depth + 1)
                epsilon[Int(loop)].append(body)
                epsilon[Int(loop)].append(next)
                state = loop
            }
            for _ in 0..<min {
                state = try build(inner, then: state, ir: ir, classes: classes, depth: depth + 1)
            }
            entry = state
        case .rule(let rule):
            entry = try newState()
            callEdges[Int(entry)].append((rule, next))
        }
        memo[key] = entry
        return entry
    }
}
