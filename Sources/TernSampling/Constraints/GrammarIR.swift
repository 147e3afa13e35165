/// The intermediate form every constraint compiles to: a context-free grammar over bytes.
/// Nodes form a DAG (a shared node is one index); a rule is a node that is matched as a
/// separate automaton, which is how recursion (and sharing of big or hot sub-grammars) works.
struct GrammarIR {
    typealias NodeID = Int32
    typealias RuleID = Int32

    enum Node: Hashable {
        /// The bytes, in order.
        case bytes([UInt8])
        /// One byte from the set.
        case set(ByteSet)
        case sequence([NodeID])
        /// Any one of the alternatives; no alternatives matches nothing.
        case choice([NodeID])
        /// `min` to `max` repetitions (`max == nil`: unbounded).
        case repeated(NodeID, min: Int, max: Int?)
        /// The rule's language, matched by its own automaton.
        case rule(RuleID)
    }

    private(set) var nodes: [Node] = []
    /// Roughly how many automaton states inlining each node costs (rules count as one).
    private(set) var sizes: [Int] = []
    private var interned: [Node: NodeID] = [:]
    private(set) var ruleNames: [String] = []
    private(set) var ruleBodies: [NodeID?] = []
    /// Bounds the work of a hostile input before automata are even built.
    static let maxNodes = 400_000

    init() {}

    /// Adds a node (structurally equal nodes are shared).
    mutating func add(_ node: Node) throws(GrammarError) -> NodeID {
        if let id = interned[node] { return id }
        guard nodes.count < Self.maxNodes else {
            throw .tooComplex("more than \(Self.maxNodes) grammar nodes")
        }
        let id = NodeID(nodes.count)
        nodes.append(node)
        sizes.append(estimate(node))
        interned[node] = id
        return id
    }

    private func estimate(_ node: Node) -> Int {
        let cap = Int(Int32.max)
        switch node {
        case .bytes(let bytes): return bytes.count
        case .set, .rule: return 1
        case .sequence(let parts): return min(cap, parts.reduce(0) { $0 + sizes[Int($1)] })
        case .choice(let options): return min(cap, options.reduce(1) { $0 + sizes[Int($1)] })
        case .repeated(let inner, let min, let max):
            let copies = Swift.min(cap, (max ?? min) + 1)
            return sizes[Int(inner)] > cap / copies ? cap : 1 + sizes[Int(inner)] * copies
        }
    }

    /// The estimated inlined size of `node`.
    func size(_ node: NodeID) -> Int { sizes[Int(node)] }

    subscript(id: NodeID) -> Node { nodes[Int(id)] }

    // MARK: - Rules

    /// Declares a rule whose body is set later (so it can refer to itself).
    mutating func declareRule(_ name: String) -> RuleID {
        ruleNames.append(name)
        ruleBodies.append(nil)
        return RuleID(ruleNames.count - 1)
    }

    mutating func define(_ rule: RuleID, as body: NodeID) { ruleBodies[Int(rule)] = body }

    var ruleCount: Int { ruleNames.count }

    // MARK: - Convenience constructors

    mutating func empty() throws(GrammarError) -> NodeID { try add(.sequence([])) }
    mutating func nothing() throws(GrammarError) -> NodeID { try add(.choice([])) }

    mutating func literal(_ text: String) throws(GrammarError) -> NodeID { try add(.bytes(Array(text.utf8))) }

    mutating func byte(_ byte: UInt8) throws(GrammarError) -> NodeID { try add(.bytes([byte])) }

    mutating func set(_ set: ByteSet) throws(GrammarError) -> NodeID { try add(.set(set)) }

    mutating func sequence(_ parts: [NodeID]) throws(GrammarError) -> NodeID {
        let flat = parts.flatMap { part -> [NodeID] in
            if case .sequence(let inner) = self[part] { return inner }
            return [part]
        }
        return flat.count == 1 ? flat[0] : try add(.sequence(flat))
    }

    mutating func choice(_ options: [NodeID]) throws(GrammarError) -> NodeID {
        var unique: [NodeID] = []
        for option in options where !unique.contains(option) { unique.append(option) }
        return unique.count == 1 ? unique[0] : try add(.choice(unique))
    }

    mutating func optional(_ node: NodeID) throws(GrammarError) -> NodeID { try repeated(node, min: 0, max: 1) }

    mutating func repeated(_ node: NodeID, min: Int, max: Int?) throws(GrammarError) -> NodeID {
        if min == 1, max == 1 { return node }
        return try add(.repeated(node, min: min, max: max))
    }

    mutating func call(_ rule: RuleID) throws(GrammarError) -> NodeID { try add(.rule(rule)) }

    /// One UTF-8 encoded scalar from `set`.
    mutating func scalars(_ set: CodePointSet) throws(GrammarError) -> NodeID {
        var options: [NodeID] = []
        for sequence in set.utf8Sequences {
            var parts: [NodeID] = []
            for range in sequence {
                parts.append(range.count == 1 ? try byte(range.lowerBound) : try self.set(ByteSet(range)))
            }
            options.append(try self.sequence(parts))
        }
        return try choice(options)
    }
}
