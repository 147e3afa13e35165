/// Turns grammar IR into `GrammarTables`: a DFA per reachable rule (subset construction over
/// byte classes and rule calls), then removes states that can never finish and rejects
/// left recursion (a rule that can call itself before reading a byte would push forever).
enum AutomatonBuilder {
    static let maxStates = 200_000

    static func build(_ ir: GrammarIR, root: GrammarIR.RuleID) throws(GrammarError) -> GrammarTables {
        var sets: [ByteSet] = []
        for node in ir.nodes {
            switch node {
            case .set(let set): sets.append(set)
            case .bytes(let bytes): sets.append(contentsOf: bytes.map { ByteSet($0...$0) })
            default: break
            }
        }
        let classes = ByteClasses(sets: Set(sets))
        var tables = RawTables(classCount: classes.count)
        var ruleStart = [Int32](repeating: -1, count: ir.ruleCount)
        var pending: [GrammarIR.RuleID] = [root]
        ruleStart[Int(root)] = 0
        var queued: Set<GrammarIR.RuleID> = [root]
        while let rule = pending.popLast() {
            let nfa = try RuleNFA(ir: ir, rule: rule, classes: classes)
            let start = try determinize(nfa, rule: rule, classCount: classes.count, into: &tables)
            ruleStart[Int(rule)] = start
            for callee in tables.calleesSeen where queued.insert(callee).inserted { pending.append(callee) }
            tables.calleesSeen.removeAll()
        }
        // Resolve calls to (callee start, return state).
        var callOffsets: [Int32] = [0]
        var callPairs: [Int32] = []
        for calls in tables.calls {
            for (rule, target) in calls {
                callPairs.append(ruleStart[Int(rule)])
                callPairs.append(target)
            }
            callOffsets.append(Int32(callPairs.count / 2))
        }
        var trimmed = Trimmer(
            classCount: classes.count, transitions: tables.transitions, final: tables.final,
            callOffsets: callOffsets, callPairs: callPairs, ruleStarts: ruleStart.filter { $0 >= 0 })
        trimmed.run()
        guard trimmed.live[Int(ruleStart[Int(root)])] else {
            throw .unsatisfiable(pointer: "", reason: "no output can satisfy the constraint")
        }
        let result = trimmed.tables(classes: classes, rootStart: ruleStart[Int(root)], ruleNames: ir.ruleNames)
        try LeftRecursionCheck.verify(result, ruleStarts: ruleStart, ruleNames: ir.ruleNames)
        return result
    }

    /// Tables under construction (calls still name rules, not start states).
    struct RawTables {
        let classCount: Int
        var transitions: [Int32] = []
        var final: [Bool] = []
        var calls: [[(GrammarIR.RuleID, Int32)]] = []
        var calleesSeen: [GrammarIR.RuleID] = []
        init(classCount: Int) { self.classCount = classCount }
    }

    /// Subset construction; returns the global id of the rule's start state.
    private static func determinize(
        _ nfa: RuleNFA, rule: GrammarIR.RuleID, classCount: Int, into tables: inout RawTables
    ) throws(GrammarError) -> Int32 {
        let base = Int32(tables.final.count)
        var ids: [[Int32]: Int32] = [:]
        var queue: [[Int32]] = []
        var stamp = [Int32](repeating: -1, count: nfa.stateCount)
        var stampValue: Int32 = 0

        func closure(_ seeds: [Int32]) -> [Int32] {
            stampValue += 1
            var result: [Int32] = []
            var stack = seeds
            while let s = stack.popLast() {
                if stamp[Int(s)] == stampValue { continue }
                stamp[Int(s)] = stampValue
                result.append(s)
                stack.append(contentsOf: nfa.epsilon[Int(s)])
            }
            // Only states with edges, or the final state, distinguish a subset.
            result = result.filter {
                $0 == RuleNFA.finalState || !nfa.byteEdges[Int($0)].isEmpty || !nfa.callEdges[Int($0)].isEmpty
            }
            result.sort()
            return result
        }
        func id(of set: [Int32]) throws(GrammarError) -> Int32 {
            if let known = ids[set] { return known }
            guard Int(base) + queue.count < maxStates else {
                throw .tooComplex("more than \(maxStates) automaton states after determinization")
            }
            let new = base + Int32(queue.count)
            ids[set] = new
            queue.append(set)
            return new
        }

        let start = try id(of: closure([nfa.start]))
        var perClass = [[Int32]](repeating: [], count: classCount)
        var index = 0
        while index < queue.count {
            let set = queue[index]
            index += 1
            for c in 0..<classCount { perClass[c].removeAll(keepingCapacity: true) }
            var callTargets: [(GrammarIR.RuleID, [Int32])] = []
            for s in set {
                for edge in nfa.byteEdges[Int(s)] {
                    for c in edge.classes { perClass[Int(c)].append(edge.target) }
                }
                for call in nfa.callEdges[Int(s)] {
                    if let at = callTargets.firstIndex(where: { $0.0 == call.rule }) {
                        callTargets[at].1.append(call.target)
                    } else {
                        callTargets.append((call.rule, [call.target]))
                    }
                }
            }
            var row = [Int32](repeating: -1, count: classCount)
            var rowMemo: [[Int32]: Int32] = [:]
            for c in 0..<classCount where !perClass[c].isEmpty {
                let raw = perClass[c]
                if let known = rowMemo[raw] {
                    row[c] = known
                } else {
                    let target = try id(of: closure(raw))
                    rowMemo[raw] = target
                    row[c] = target
                }
            }
            var calls: [(GrammarIR.RuleID, Int32)] = []
            for (rule, targets) in callTargets {
                calls.append((rule, try id(of: closure(targets))))
                tables.calleesSeen.append(rule)
            }
            tables.transitions.append(contentsOf: row)
            tables.final.append(set.first == RuleNFA.finalState)
            tables.calls.append(calls)
        }
        return start
    }
}
